#include "common/dialoggeometry.h"

#include "common/localstore.h"

#include <QDialog>

namespace ferry::gui {

QString dialogGeometryKey(const QString &name)
{
    return QStringLiteral("Dialogs/%1/geometry").arg(name);
}

void keepDialogGeometry(QDialog *dialog, LocalStore *store, const QString &name)
{
    if (!store || !store->isOpen())
        return;
    const QString key = dialogGeometryKey(name);
    dialog->restoreGeometry(store->setting(key).toByteArray());
    // finished() comes from done() only, never from the dialog's destruction:
    // a dialog destroyed with the window does not reach a store gone before it.
    QObject::connect(dialog, &QDialog::finished, dialog,
                     [dialog, key, store] { store->setSetting(key, dialog->saveGeometry()); });
}

} // namespace ferry::gui
