export function App() {
  return <main>FleetDesk</main>;
}
