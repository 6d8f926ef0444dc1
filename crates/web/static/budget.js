// Live totals for the budget ballot: an enhancement only. Without it the form still posts
// and the page answers with the same totals and every broken rule.
(function () {
  "use strict";
  var form = document.getElementById("ballot-form");
  var box = document.getElementById("ballot-totals");
  if (!form || !box) {
    return;
  }
  var lang = document.documentElement.lang || "nl";
  var money = new Intl.NumberFormat(lang, { style: "currency", currency: "EUR", maximumFractionDigits: 0 });
  var maxPoints = parseInt(form.getAttribute("data-points"), 10) || 0;

  function update() {
    var spent = 0;
    var points = 0;
    var budget = 0;
    form.querySelectorAll(".project-card").forEach(function (card) {
      var box = card.querySelector("input[name='project']");
      var count = card.querySelector("input[type='number']");
      var chosen = box ? box.checked : count && parseInt(count.value, 10) > 0;
      if (!chosen) {
        return;
      }
      spent += parseInt(card.getAttribute("data-cost"), 10) || 0;
      if (count) {
        points += parseInt(count.value, 10) || 0;
      }
      var area = card.closest(".budget-area");
      if (area && !budget) {
        budget = parseInt(area.getAttribute("data-amount"), 10) || 0;
      }
    });
    if (!budget) {
      var first = form.querySelector(".budget-area[data-voter-here='true']");
      budget = first ? parseInt(first.getAttribute("data-amount"), 10) || 0 : 0;
    }
    var left = Math.max(budget - spent, 0);
    var text = box.getAttribute("data-label-spent") || "";
    box.setAttribute("data-over", spent > budget ? "true" : "false");
    var line = box.querySelector("p");
    if (!line) {
      line = document.createElement("p");
      box.appendChild(line);
    }
    line.textContent = text + " " + money.format(spent) + " / " + money.format(budget) +
      " · " + (box.getAttribute("data-label-left") || "") + " " + money.format(left) +
      (maxPoints ? " · " + points + " / " + maxPoints : "");
  }

  form.addEventListener("change", update);
  form.addEventListener("input", update);
})();
