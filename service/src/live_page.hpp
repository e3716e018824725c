// The live page (GET /live; docs/service.md, "The live page"): one self-contained HTML document
// that shows the /events stream, the tick and the accounts below their lines. Its text is
// service/live/live.html, compiled in by CMake (live_page.cpp.in).
#pragma once

namespace service {

/// The page's HTML, as in service/live/live.html.
const char* live_page_html();

}  // namespace service
