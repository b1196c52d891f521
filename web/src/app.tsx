export function App() {
  return <h1>Gatehouse</h1>;
}
