#include "lag/thresholdspinbox.h"

#include "lag/lagthreshold.h"

#include <QDoubleSpinBox>

namespace ferry::gui {

QDoubleSpinBox *createThresholdSpinBox(const QString &objectName, QWidget *parent)
{
    auto *spin = new QDoubleSpinBox(parent);
    spin->setObjectName(objectName);
    spin->setDecimals(1);
    spin->setSingleStep(LagThreshold::kStepSeconds);
    spin->setRange(LagThreshold::kMinSeconds, LagThreshold::kMaxSeconds);
    spin->setAccelerated(true);
    spin->setKeyboardTracking(false); // typing 45 sets 45, not 4 first
    return spin;
}

} // namespace ferry::gui
