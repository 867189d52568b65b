#include "app/traywindow.h"

#include "app/mainwindow.h"
#include "cascade/cascadeview.h"
#include "tray/traycontroller.h"

namespace ferry::gui {

void bringToFront(MainWindow &window)
{
    window.showNormal();
    window.raise();
    window.activateWindow();
}

void showWatchedConfig(MainWindow &window, const TrayController &tray)
{
    // A profile without CONFIG.ini has no path but is open all the same.
    if (!window.cascadeView()->isOpen()) {
        if (const QString path = tray.configToShow(); !path.isEmpty())
            window.openConfig(path);
    }
    bringToFront(window);
}

void connectTrayToWindow(TrayController &tray, MainWindow &window)
{
    QObject::connect(&tray, &TrayController::openRequested, &window,
                     [&window, &tray] { showWatchedConfig(window, tray); });
    QObject::connect(&tray, &TrayController::openConfigRequested, &window,
                     [&window](const QString &path) {
                         window.openConfig(path);
                         bringToFront(window);
                     });
}

} // namespace ferry::gui
