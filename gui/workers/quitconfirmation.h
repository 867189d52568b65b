#pragma once

#include <QCoreApplication>

#include <functional>

class QMessageBox;
class QWidget;

namespace ferry::gui {

class WorkerRegistry;

// Quitting Ferry stops the workers that run in this process, and replication
// through their nodes with them: Quit (File > Quit, Ctrl+Q, the tray's Quit,
// closing the last window) asks first. The box (objectName "confirmQuit",
// window-modal, not exec()'d) names those workers and says replication stops
// until they are started again; its buttons are Hide to Tray
// ("confirmQuitHide", where a tray exists: they keep running), Quit
// ("confirmQuitQuit") and Cancel ("confirmQuitCancel", also Escape).
class QuitConfirmation
{
    Q_DECLARE_TR_FUNCTIONS(ferry::gui::QuitConfirmation)

public:
    enum class Choice { Quit, HideToTray, Cancel };

    // Shows the box and calls `done` with the answer; returns the box. When
    // no worker runs here, calls `done(Quit)` at once and returns null.
    static QMessageBox *ask(QWidget *parent,
                            const WorkerRegistry *registry,
                            bool offerTray,
                            const std::function<void(Choice)> &done);
};

} // namespace ferry::gui
