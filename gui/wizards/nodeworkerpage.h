#pragma once

#include <QWizardPage>

class QLabel;
class QProgressBar;
class QRadioButton;

namespace ferry::gui {

class WorkerControl;
class WorkerRegistry;

// After Create: start the new node's worker in ferry-gui, as a daemon
// (`ferry -d CONFIG.ini worker`), or not now. Finish starts it through a
// WorkerControl and waits, off the UI thread, until it runs or says why it
// did not (shown on the page; Finish stays).
class NodeWorkerPage : public QWizardPage
{
    Q_OBJECT

public:
    enum class Choice { Here, Daemon, NotNow };

    explicit NodeWorkerPage(QWidget *parent = nullptr);

    void setRegistry(WorkerRegistry *registry) { m_registry = registry; }
    void setChoice(Choice choice);
    Choice choice() const;

    void initializePage() override;
    bool isComplete() const override;
    bool validatePage() override;

    bool isStarting() const { return m_starting; }
    QString resultText() const;

private:
    void onChanged();
    void onFailed(const QString &reason, const QString &advice);

    QLabel *m_text = nullptr;
    QRadioButton *m_here = nullptr;
    QRadioButton *m_daemon = nullptr;
    QRadioButton *m_notNow = nullptr;
    QProgressBar *m_busy = nullptr;
    QLabel *m_result = nullptr;
    WorkerRegistry *m_registry = nullptr;
    WorkerControl *m_control = nullptr;
    bool m_starting = false;
    bool m_started = false;
};

} // namespace ferry::gui
