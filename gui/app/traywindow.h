#pragma once

namespace ferry::gui {

class MainWindow;
class TrayController;

// Where the tray and a later start of ferry-gui meet the main window.

// Shows the window in front of the others.
void bringToFront(MainWindow &window);
// Open Ferry (the tray's menu, a click on its icon) and a plain second
// start: the window in front, and when it has nothing open, the watched
// config the tray would show (TrayController::configToShow).
void showWatchedConfig(MainWindow &window, const TrayController &tray);
// The tray's Open Ferry and its config lines, to the window.
void connectTrayToWindow(TrayController &tray, MainWindow &window);

} // namespace ferry::gui
