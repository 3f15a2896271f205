/* Demo marketplace: client-side product page (the "JS-only" layout).
 * The static HTML holds <meta name="offer-id"> and an empty <div id="app">; this script fetches
 * /api/offer/<id>.json and builds the same classes the server-rendered page has. Text is set
 * with textContent only (listing text is untrusted). #app gets data-rendered="true" when done.
 */
(function () {
  "use strict";

  function el(tag, className, text) {
    var node = document.createElement(tag);
    if (className) node.className = className;
    if (text !== undefined && text !== null) node.textContent = String(text);
    return node;
  }

  function render(app, offer) {
    var root = el("div", "offer-detail");
    root.setAttribute("data-offer-id", offer.id);

    var gallery = el("div", "offer-gallery");
    offer.images.forEach(function (src) {
      var img = el("img", "offer-image");
      img.src = src;
      img.alt = offer.title;
      img.width = 64;
      img.height = 48;
      gallery.appendChild(img);
    });
    root.appendChild(gallery);

    var main = el("div", "offer-main");
    main.appendChild(el("h1", "offer-title", offer.title));
    var priceBox = el("div", "offer-price-box");
    priceBox.appendChild(el("span", "offer-price", offer.price));
    main.appendChild(priceBox);
    main.appendChild(el("span", "offer-moq", offer.min_order));
    var sellerBox = el("div", "offer-seller");
    var seller = el("a", "seller-link", offer.seller.name);
    seller.href = offer.seller.url;
    sellerBox.appendChild(seller);
    main.appendChild(sellerBox);
    root.appendChild(main);

    var description = el("div", "offer-description");
    offer.paragraphs.forEach(function (line) {
      description.appendChild(el("p", null, line));
    });
    root.appendChild(description);

    if (offer.attachments.length) {
      var files = el("div", "offer-attachments");
      offer.attachments.forEach(function (item) {
        var link = el("a", "attachment", item.filename);
        link.href = item.url;
        link.setAttribute("download", "");
        files.appendChild(link);
      });
      root.appendChild(files);
    }

    app.appendChild(root);
    document.title = offer.title;
    app.setAttribute("data-rendered", "true");
  }

  function start() {
    var meta = document.querySelector('meta[name="offer-id"]');
    var app = document.getElementById("app");
    if (!meta || !app) return;
    fetch("/api/offer/" + encodeURIComponent(meta.content) + ".json", {
      headers: { Accept: "application/json" },
    })
      .then(function (response) {
        if (!response.ok) throw new Error("HTTP " + response.status);
        return response.json();
      })
      .then(function (offer) {
        render(app, offer);
      })
      .catch(function (error) {
        app.setAttribute("data-error", String(error));
      });
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
})();
