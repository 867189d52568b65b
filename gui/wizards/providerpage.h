#pragma once

#include "wizards/nodewizard.h"

#include <QWizardPage>

class QComboBox;
class QLabel;
class QLineEdit;
class QProgressBar;
class QPushButton;

namespace ferry::gui {

// New Leaf's first page: the provider, one of the open cascade's nodes or a
// connection string typed by hand. Check Provider (off the UI thread) reads
// the node of its queue there and the cascade's members: a leaf's provider
// must be the root. Next waits for a check that worked for what is shown.
class ProviderPage : public QWizardPage
{
    Q_OBJECT

public:
    struct Checked;

    ProviderPage(const QList<KnownNode> &nodes, QWidget *parent = nullptr);

    ConnectionString connection() const;
    QString queue() const { return m_queue; }
    QString nodeName() const { return m_nodeName; }
    QStringList nodeNames() const { return m_nodeNames; }
    QStringList jobNames() const { return m_jobNames; }

    void check();
    bool isChecking() const { return m_checking; }
    QString resultText() const;

    bool isComplete() const override;

private:
    void picked();
    void onChecked(const Checked &checked);

    QList<KnownNode> m_nodes;
    QComboBox *m_node = nullptr;
    QLineEdit *m_connection = nullptr;
    QPushButton *m_check = nullptr;
    QProgressBar *m_busy = nullptr;
    QLabel *m_result = nullptr;
    bool m_checking = false;
    bool m_ok = false;
    quint64 m_generation = 0; // bumped by every edit and every check
    quint64 m_checkRun = 0;   // the last check started
    QString m_queue;
    QString m_nodeName;
    QStringList m_nodeNames;
    QStringList m_jobNames;
};

} // namespace ferry::gui
