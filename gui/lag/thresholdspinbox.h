#pragma once

class QDoubleSpinBox;
class QString;
class QWidget;

namespace ferry::gui {

// The spin box a lag threshold is edited in (the Lag tab's default, a node's
// own in its detail pane): tenths of a second within LagThreshold's bounds.
QDoubleSpinBox *createThresholdSpinBox(const QString &objectName, QWidget *parent);

} // namespace ferry::gui
