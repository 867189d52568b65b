#include "wizards/nodeworkerpage.h"

#include "wizards/nodewizard.h"
#include "workers/workercontrol.h"

#include <QDir>
#include <QLabel>
#include <QProgressBar>
#include <QRadioButton>
#include <QVBoxLayout>

namespace ferry::gui {

NodeWorkerPage::NodeWorkerPage(QWidget *parent)
    : QWizardPage(parent)
{
    setObjectName(QStringLiteral("workerPage"));
    setTitle(tr("Worker"));
    m_text = new QLabel(this);
    m_text->setObjectName(QStringLiteral("workerText"));
    m_text->setWordWrap(true);
    m_text->setTextInteractionFlags(Qt::TextSelectableByMouse);
    m_here = new QRadioButton(tr("Start it &here, in ferry-gui"), this);
    m_here->setObjectName(QStringLiteral("workerHere"));
    m_here->setToolTip(tr("The worker runs while ferry-gui runs (also in the tray)."));
    m_daemon = new QRadioButton(tr("Start it as a &daemon (ferry -d CONFIG.ini worker)"), this);
    m_daemon->setObjectName(QStringLiteral("workerDaemon"));
    m_daemon->setToolTip(tr("The worker runs on its own, also after ferry-gui quits; its "
                            "password comes from ~/.pgpass."));
    m_notNow = new QRadioButton(tr("&Not now"), this);
    m_notNow->setObjectName(QStringLiteral("workerNotNow"));
    m_notNow->setToolTip(tr("Start it later from the Worker menu or with ferry -d."));
    m_here->setChecked(true);
    m_busy = new QProgressBar(this);
    m_busy->setObjectName(QStringLiteral("workerBusy"));
    m_busy->setRange(0, 0);
    m_busy->hide();
    m_result = new QLabel(this);
    m_result->setObjectName(QStringLiteral("workerResult"));
    m_result->setWordWrap(true);
    m_result->setTextInteractionFlags(Qt::TextSelectableByMouse);

    auto *layout = new QVBoxLayout(this);
    layout->addWidget(m_text);
    layout->addWidget(m_here);
    layout->addWidget(m_daemon);
    layout->addWidget(m_notNow);
    layout->addWidget(m_busy);
    layout->addWidget(m_result);
    layout->addStretch(1);
}

void NodeWorkerPage::initializePage()
{
    auto *w = qobject_cast<NodeWizard *>(wizard());
    if (!w)
        return;
    const auto show = [this, w] {
        const QString made = tr("Node %1 is made; its config is %2. Its worker moves the "
                                "changes: the root's ticks them, a leaf's applies them.")
                                 .arg(w->nodeName(), QDir::toNativeSeparators(w->createdConfig()));
        m_text->setText(w->profileNote().isEmpty() ? made
                                                   : made + QLatin1Char(' ') + w->profileNote());
    };
    show();
    connect(w, &NodeWizard::profileNoteChanged, this, show);
}

void NodeWorkerPage::setChoice(Choice choice)
{
    (choice == Choice::Here     ? m_here
     : choice == Choice::Daemon ? m_daemon
                                : m_notNow)
        ->setChecked(true);
}

NodeWorkerPage::Choice NodeWorkerPage::choice() const
{
    return m_here->isChecked()     ? Choice::Here
           : m_daemon->isChecked() ? Choice::Daemon
                                   : Choice::NotNow;
}

bool NodeWorkerPage::isComplete() const
{
    return !m_starting;
}

QString NodeWorkerPage::resultText() const
{
    return m_result->text();
}

bool NodeWorkerPage::validatePage()
{
    if (m_started || choice() == Choice::NotNow)
        return true;
    auto *w = qobject_cast<NodeWizard *>(wizard());
    if (!w || m_starting)
        return false;
    auto config = JobConfig::load(w->createdConfig());
    if (!config) {
        m_result->setText(config.error().toString());
        return false;
    }
    if (!m_control) {
        m_control = new WorkerControl(m_registry, this);
        m_control->setProbeIntervalMs(200);
        connect(m_control, &WorkerControl::changed, this, &NodeWorkerPage::onChanged);
        connect(m_control, &WorkerControl::actionFailed, this,
                [this](WorkerControl::Action, const QString &reason, const QString &advice) {
                    onFailed(reason, advice);
                });
    }
    // A worker here uses the password this window has; a daemon reads ~/.pgpass.
    const QString password = w->nodePassword();
    m_control->setConfig(password.isEmpty() ? *config : config->withDbPassword(password));
    m_starting = true;
    m_busy->show();
    m_result->setText(tr("Starting the worker of %1…").arg(w->nodeName()));
    for (QRadioButton *b : {m_here, m_daemon, m_notNow})
        b->setEnabled(false);
    emit completeChanged();
    if (choice() == Choice::Here)
        m_control->start();
    else
        m_control->startDaemon();
    return false;
}

void NodeWorkerPage::onChanged()
{
    if (!m_starting)
        return;
    const auto mode = m_control->mode();
    const bool runs = choice() == Choice::Here ? mode == WorkerControl::Mode::RunningHere
                                               : mode == WorkerControl::Mode::Daemon;
    if (mode == WorkerControl::Mode::Failed) {
        onFailed(m_control->lastError(), QString());
        return;
    }
    if (!runs)
        return;
    m_starting = false;
    m_started = true;
    m_busy->hide();
    m_result->setText(m_control->stateText());
    emit completeChanged();
    wizard()->accept();
}

void NodeWorkerPage::onFailed(const QString &reason, const QString &advice)
{
    if (!m_starting)
        return;
    m_starting = false;
    m_busy->hide();
    for (QRadioButton *b : {m_here, m_daemon, m_notNow})
        b->setEnabled(true);
    m_result->setText(advice.isEmpty() ? tr("The worker did not start: %1").arg(reason)
                                       : tr("The worker did not start: %1 %2").arg(reason, advice));
    emit completeChanged();
}

} // namespace ferry::gui
