// Scrolls the debugger's detail pane (and only it: Element.scrollIntoView would scroll the page around it too) so
// that an element shows below the pane's sticky reward bar: its top when it is taller than the room, else whole.
const GAP = 8;

export function revealInPane(element: HTMLElement, pane: HTMLElement, stickyTop: number): void {
  const paneTop = pane.getBoundingClientRect().top;
  const box = element.getBoundingClientRect();
  const top = box.top - paneTop - stickyTop;
  const room = pane.clientHeight - stickyTop;
  if (top < 0 || box.height + GAP > room) pane.scrollTop += top - GAP;
  else if (box.bottom - paneTop > pane.clientHeight) pane.scrollTop += box.bottom - paneTop - pane.clientHeight + GAP;
}
