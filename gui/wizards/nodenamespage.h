#pragma once

#include <QWizardPage>

class QLabel;
class QLineEdit;

namespace ferry::gui {

// The queue, the node's name and its job's name, checked as the ferry
// command checks them while they are typed; the first problem shows on the
// page and Next waits. New Leaf takes the provider's queue and refuses a
// name its cascade has.
class NodeNamesPage : public QWizardPage
{
    Q_OBJECT

public:
    explicit NodeNamesPage(bool leaf, QWidget *parent = nullptr);

    QString queue() const;
    QString nodeName() const;
    QString jobName() const;
    // The first problem with the names, one line; empty when they are fine.
    QString problem() const;

    void initializePage() override;
    bool isComplete() const override;

private:
    void update();

    bool m_leaf;
    QLineEdit *m_queue = nullptr;
    QLineEdit *m_node = nullptr;
    QLineEdit *m_job = nullptr;
    QLabel *m_error = nullptr;
    bool m_jobEdited = false;
};

} // namespace ferry::gui
