#pragma once

#include "wizards/nodewizard.h"

namespace ferry::gui {

class WorkerRegistry;

// Cascade > New Leaf: makes a database a leaf of the open cascade (what
// `ferry CONFIG.ini create-leaf NAME CONNSTR --provider=CONNSTR` does),
// making the database first if the user asks, writes its job's CONFIG.ini
// and starts its worker. `nodes` are the open cascade's nodes with their
// connection strings; the provider may also be typed by hand.
class NewLeafWizard : public NodeWizard
{
    Q_OBJECT

public:
    NewLeafWizard(LocalStore *store,
                  const QList<KnownNode> &nodes,
                  QWidget *parent = nullptr,
                  WorkerRegistry *registry = nullptr);

    // Shows a new wizard with open(); it deletes itself when closed.
    static NewLeafWizard *open(QWidget *parent, LocalStore *store, const QList<KnownNode> &nodes);
};

} // namespace ferry::gui
