#pragma once

#include "wizards/nodewizard.h"

namespace ferry::gui {

class WorkerRegistry;

// File > New Root: makes a database the root of a new cascade (what `ferry
// CONFIG.ini create-root NAME` does), writes its job's CONFIG.ini and starts
// its worker.
class NewRootWizard : public NodeWizard
{
    Q_OBJECT

public:
    // `registry` null: WorkerRegistry::instance().
    explicit NewRootWizard(LocalStore *store,
                           QWidget *parent = nullptr,
                           WorkerRegistry *registry = nullptr);

    // Shows a new wizard with open() (the cascade behind keeps refreshing);
    // it deletes itself when closed.
    static NewRootWizard *open(QWidget *parent, LocalStore *store);
};

} // namespace ferry::gui
