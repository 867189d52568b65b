#pragma once

#include "compare/comparerunner.h"

#include <QObject>

namespace ferry::gui {

// Carries a run's progress from the runner's thread to the page: the runner
// emits, the page (on the UI thread) receives through queued connections. It
// lives on the UI thread and is shared by the run and the page, deleted
// (deleteLater) once neither holds it.
class CompareRelay : public QObject
{
    Q_OBJECT

signals:
    void started(const QString &key);
    void phaseChanged(const QString &key, int phase); // a ComparePhase
    void done(const QString &key, const ferry::gui::CompareTableOutcome &outcome);
};

} // namespace ferry::gui
