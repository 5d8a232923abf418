"""The practice chooser lists a large network's quantities under phase headers, lazily."""

from __future__ import annotations

from PySide6.QtCore import Qt

from bpdesk.core.files.documents import open_source
from bpdesk.gui.tools.practice.chooser import NAME_ROLE, QuantityChooser
from bpdesk.gui.tools.practice.quantities import PHASE_TITLES, quantities


def test_a_large_network_is_listed_and_any_quantity_selected(qtbot):
    spec = open_source("digits").trainer.network.spec  # 2,410 weights and biases
    items = quantities(spec, biases=True, lecture=False)
    chooser = QuantityChooser()
    qtbot.addWidget(chooser)
    chooser.show()
    chooser.fill(items)
    combo = chooser._combo
    assert combo.count() == len(items) + 3  # a header before each of the three phases
    headers = [
        combo.itemText(k) for k in range(combo.count()) if combo.itemData(k, NAME_ROLE) is None
    ]
    assert headers == list(PHASE_TITLES.values())
    first_header = combo.model().index(0, 0)
    assert combo.model().flags(first_header) == Qt.ItemFlag.NoItemFlags
    last = items[-1]
    chooser.select(last.name)
    assert combo.currentText() == last.chooser_label
    assert combo.itemData(combo.currentIndex(), NAME_ROLE) == last.name
    picked: list[str] = []
    chooser.chosen.connect(picked.append)
    combo.activated.emit(1)  # the first quantity, under the first header
    assert picked == [items[0].name]
    assert chooser.resolve(items[5].name) == items[5].name
