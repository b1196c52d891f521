import { isOpenPath, matchPath, redirectFor, safeNext } from './router';

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

describe(isOpenPath.name, () => {
  it('is the OAuth pages reached from another app or device', () => {
    expect(isOpenPath('/authorize/abc')).toBe(true);
    expect(isOpenPath('/authorize/abc/')).toBe(true);
    expect(isOpenPath('/device')).toBe(true);
    expect(isOpenPath('/reset-password')).toBe(true);
    expect(isOpenPath('/verify-email')).toBe(true);
    expect(isOpenPath('/authorize')).toBe(false);
    expect(isOpenPath('/authorize/a/b')).toBe(false);
    expect(isOpenPath('/apps')).toBe(false);
  });
});

describe(redirectFor.name, () => {
  const none = new URLSearchParams();

  it('sends a signed-out browser to sign in, and back afterwards', () => {
    expect(redirectFor(false, '/', none)).toBe('/sign-in');
    expect(redirectFor(false, '/apps', none)).toBe('/sign-in?next=%2Fapps');
    expect(redirectFor(false, '/keys', new URLSearchParams('a=1'))).toBe(
      '/sign-in?next=%2Fkeys%3Fa%3D1',
    );
    expect(redirectFor(false, '/sign-in', none)).toBeNull();
    expect(redirectFor(false, '/forgot-password', none)).toBeNull();
    expect(redirectFor(false, '/sign-in/second-factor', none)).toBeNull();
    expect(redirectFor(false, '/security', none)).toBe(
      '/sign-in?next=%2Fsecurity',
    );
  });

  it('keeps an emailed link’s page where it is, signed in or not (its token is in the fragment)', () => {
    for (const signedIn of [false, true]) {
      expect(redirectFor(signedIn, '/reset-password', none)).toBeNull();
      expect(redirectFor(signedIn, '/verify-email', none)).toBeNull();
    }
    expect(redirectFor(true, '/forgot-password', none)).toBe('/profile');
  });

  it('never moves a browser off the OAuth pages, signed in or not', () => {
    for (const signedIn of [false, true]) {
      expect(redirectFor(signedIn, '/authorize/u1', none)).toBeNull();
      expect(
        redirectFor(signedIn, '/device', new URLSearchParams('error=x')),
      ).toBeNull();
    }
  });

  it('sends a signed-in browser from the public pages to where it was going', () => {
    expect(redirectFor(true, '/', none)).toBe('/profile');
    expect(redirectFor(true, '/sign-in', none)).toBe('/profile');
    expect(
      redirectFor(
        true,
        '/sign-up',
        new URLSearchParams({ next: '/authorize/u1' }),
      ),
    ).toBe('/authorize/u1');
    expect(
      redirectFor(true, '/sign-in', new URLSearchParams({ next: '//evil' })),
    ).toBe('/profile');
    expect(redirectFor(true, '/apps', none)).toBeNull();
  });
});
