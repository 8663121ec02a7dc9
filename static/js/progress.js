// Progress of a background job: while the region carries data-poll-url, fetch it again
// every few seconds (as an htmx request, so the server answers with the fragment only)
// and put the new content inside the same live region, so screen readers hear the
// change. Without JavaScript the page's "Check now" link does the same.
const POLL_MS = 3000

function poll () {
  const region = document.querySelector('[data-poll-url]')
  if (!region) return
  window.setTimeout(async () => {
    try {
      const response = await fetch(region.dataset.pollUrl, { headers: { 'HX-Request': 'true' }, credentials: 'same-origin' })
      if (response.ok) {
        const doc = new DOMParser().parseFromString(await response.text(), 'text/html')
        const next = doc.getElementById(region.id)
        if (next) {
          region.innerHTML = next.innerHTML
          if (!next.dataset.pollUrl) delete region.dataset.pollUrl
        }
      }
    } finally {
      poll()
    }
  }, POLL_MS)
}

poll()
