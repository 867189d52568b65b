#pragma once

#include "common/localstore.h"

#include <QSettings>
#include <QVariantHash>

namespace ferry::test {

// Empties the settings of the store a default-constructed MainWindow opens
// (with QStandardPaths' test mode on, never the user's own) and of the legacy
// QSettings file, then sets `settings`. True when it worked.
inline bool resetDefaultStore(const QVariantHash &settings = {})
{
    QSettings().clear();
    gui::LocalStore store;
    if (!store.open() || !store.clearSettings())
        return false;
    for (auto it = settings.cbegin(); it != settings.cend(); ++it) {
        if (!store.setSetting(it.key(), it.value()))
            return false;
    }
    return true;
}

} // namespace ferry::test
