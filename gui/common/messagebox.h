#pragma once

#include <QMessageBox>

namespace ferry::gui {

// A window-modal message box that deletes itself when closed, opened with
// open() (no nested event loop). Its width leaves room for the whole title:
// QMessageBox sizes itself to its text only, and window managers cut a longer
// title ("Cannot O… — Ferry").
QMessageBox *openMessageBox(QWidget *parent,
                            QMessageBox::Icon icon,
                            const QString &objectName,
                            const QString &title,
                            const QString &text,
                            const QString &informativeText = QString(),
                            QMessageBox::StandardButtons buttons = QMessageBox::Close);

// Makes `box` at least as wide as its title needs in a window manager's title
// bar (with the application's name appended and room for its buttons). Call
// before showing it.
void fitTitle(QMessageBox *box);

// The width fitTitle() gives a box titled `title`.
int titleWidth(const QString &title);

} // namespace ferry::gui
