#pragma once

#include <QIcon>

namespace ferry::gui {

// The application icon, rendered from the embedded SVG.
QIcon applicationIcon();

// Runs ferry-gui: parses the command line (--version, --help, --lang LOCALE, --tray,
// an optional CONFIG.ini to open and the hidden --screenshot FILE, which waits for an
// opened config's first status), installs the translators and shows the main window
// (with --tray only the tray icon, where a system tray exists) with the config given,
// else the last one opened. When ferry-gui runs already for this user, hands the
// request to it and returns 0 (SingleInstance); --screenshot always runs on its own.
// argc is taken by reference because Q(Core)Application keeps a reference to it.
int runApplication(int &argc, char **argv);

} // namespace ferry::gui
