// Lesson pages: size each H5P frame to its content (the frame reports its height).
(function () {
  "use strict";
  window.addEventListener("message", function (event) {
    if (event.origin !== window.location.origin || !event.data || event.data.savadH5P !== "height") return;
    document.querySelectorAll("iframe[data-h5p-frame]").forEach(function (frame) {
      if (frame.contentWindow === event.source) frame.style.height = Math.ceil(event.data.height) + 20 + "px";
    });
  });
})();
