#pragma once

#include <QWizardPage>

class QLabel;
class QPlainTextEdit;
class QProgressBar;

namespace ferry::gui {

// What Create will do, the same as `ferry` commands, and Create itself (the
// wizard's commit button): runs createNode() off the UI thread, shows its
// one-line error on the page when it fails, and moves on once the node
// exists.
class NodeSummaryPage : public QWizardPage
{
    Q_OBJECT

public:
    explicit NodeSummaryPage(QWidget *parent = nullptr);

    void initializePage() override;
    bool isComplete() const override;
    bool validatePage() override;

    bool isCreating() const { return m_creating; }
    QString errorText() const;
    QString commandsText() const;

private:
    QLabel *m_text = nullptr;
    QPlainTextEdit *m_commands = nullptr;
    QProgressBar *m_busy = nullptr;
    QLabel *m_error = nullptr;
    bool m_creating = false;
    bool m_created = false;
};

} // namespace ferry::gui
