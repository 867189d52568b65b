#pragma once

#include <QString>

class QDialog;

namespace ferry::gui {

class LocalStore;

// A resizable dialog opens at the size and place the user left it last time:
// restores what `store` keeps under "Dialogs/<name>/geometry" (when anything)
// and keeps it again each time the dialog finishes (OK, Cancel, Escape, the
// window's close button). Without a store, or before the first time, the
// dialog keeps its own default size. Call after the dialog set that size.
void keepDialogGeometry(QDialog *dialog, LocalStore *store, const QString &name);

// The key keepDialogGeometry() uses for `name`.
QString dialogGeometryKey(const QString &name);

} // namespace ferry::gui
