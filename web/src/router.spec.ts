import { matchPath, safeNext } from './router';

describe(matchPath.name, () => {
  it('matches parameters and nothing longer or shorter', () => {
    expect(matchPath('/admin/users/:id', '/admin/users/abc%20d')).toEqual({
      id: 'abc d',
    });
    expect(matchPath('/admin/users/:id', '/admin/users/abc/')).toEqual({
      id: 'abc',
    });
    expect(matchPath('/admin/users/:id', '/admin/users')).toBeNull();
    expect(matchPath('/admin/users/:id', '/admin/users/a/b')).toBeNull();
    expect(matchPath('/admin/users/:id', '/admin/groups/a')).toBeNull();
  });
});

describe(safeNext.name, () => {
  it('goes back to a page of the console only', () => {
    expect(safeNext('/keys?x=1')).toBe('/keys?x=1');
    expect(safeNext('//evil.example/')).toBe('/profile');
    expect(safeNext('/\\evil.example/')).toBe('/profile');
    expect(safeNext('https://evil.example/')).toBe('/profile');
    expect(safeNext('/api/logout/all')).toBe('/profile');
    expect(safeNext(null)).toBe('/profile');
  });
});
