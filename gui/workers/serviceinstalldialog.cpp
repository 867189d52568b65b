#include "workers/serviceinstalldialog.h"

#include "common/messagebox.h"

#include <QApplication>
#include <QCheckBox>
#include <QClipboard>
#include <QDialogButtonBox>
#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QFontDatabase>
#include <QGridLayout>
#include <QLabel>
#include <QLayout>
#include <QLineEdit>
#include <QMessageBox>
#include <QPlainTextEdit>
#include <QPushButton>
#include <QTemporaryDir>
#include <QTimer>
#include <QVBoxLayout>

#include <grp.h>
#include <unistd.h>

namespace ferry::gui {

namespace {

QPushButton *copyButton(QWidget *parent, const QString &name, std::function<QString()> text)
{
    auto *button = new QPushButton(ServiceInstallDialog::tr("Copy"), parent);
    button->setObjectName(name);
    QObject::connect(button, &QPushButton::clicked, parent,
                     [text] { QApplication::clipboard()->setText(text()); });
    return button;
}

} // namespace

ServiceInstallDialog::ServiceInstallDialog(const JobConfig &config,
                                           const ServiceInstallOptions &options,
                                           bool workerRuns,
                                           QWidget *parent)
    : QDialog(parent)
    , m_options(options)
    , m_plan(servicePlan(config, options))
{
    setObjectName(QStringLiteral("installServiceDialog"));
    setAttribute(Qt::WA_DeleteOnClose);
    setWindowModality(Qt::WindowModal);
    setWindowTitle(tr("Install as a Service"));

    if (!m_options.privileged) {
        // Private to this user (mode 0700) until `install` copies it as root.
        QTemporaryDir dir(QDir(QDir::tempPath()).filePath(QStringLiteral("ferry-service-XXXXXX")));
        dir.setAutoRemove(false);
        m_stagingDir = dir.path();
        m_staged = QDir(m_stagingDir).filePath(m_plan.name + QStringLiteral(".ini"));
    }
    const bool pkexec = !m_options.privileged && !m_options.pkexecProgram.isEmpty();

    auto *question = new QLabel(
        tr("Run the worker of job %1 as the system service %2?").arg(m_plan.name, m_plan.unit),
        this);
    question->setObjectName(QStringLiteral("installServiceQuestion"));
    QFont bold = question->font();
    bold.setBold(true);
    question->setFont(bold);

    QStringList details;
    details << tr("Ferry writes %1 from %2, without the password. The service logs to %3 and "
                  "keeps its pidfile in %4.")
                   .arg(QDir::toNativeSeparators(m_plan.target),
                        QDir::toNativeSeparators(config.path()),
                        QDir::toNativeSeparators(m_plan.job.logFile),
                        QDir::toNativeSeparators(m_plan.job.pidFile));
    switch (targetState()) {
    case Target::Exists:
        details << tr("%1 exists already: Ferry asks before replacing it.").arg(m_plan.target);
        break;
    case Target::Unknown:
        if (!pkexec)
            details << tr("Ferry cannot look into %1: if %2 is there, the install command "
                          "replaces it.")
                           .arg(m_options.configFolder, QFileInfo(m_plan.target).fileName());
        break;
    case Target::Absent:
        break;
    }
    if (workerRuns)
        details << tr("This worker runs now: stop it before the service starts, as a node has "
                      "one worker at a time.");
    auto *detailLabel = new QLabel(details.join(QLatin1Char(' ')), this);
    detailLabel->setObjectName(QStringLiteral("installServiceDetails"));
    detailLabel->setWordWrap(true);

    auto *pgpassLabel = new QLabel(
        tr("The service runs as user ferry and reads its password from %1 (mode 0600). Add "
           "this line there, with the password at its end:")
            .arg(m_plan.passfile),
        this);
    pgpassLabel->setWordWrap(true);
    auto *pgpass = new QLineEdit(m_plan.pgpassLine, this);
    pgpass->setObjectName(QStringLiteral("installServicePgpass"));
    pgpass->setReadOnly(true);
    const QFont fixed = QFontDatabase::systemFont(QFontDatabase::FixedFont);
    pgpass->setFont(fixed);

    auto *connectionLabel = new QLabel(
        tr("The service connects with this, taken from the config and this session's PG* "
           "environment:"),
        this);
    connectionLabel->setWordWrap(true);
    // All of it in sight, wrapped between keyword=value pairs.
    auto *connection = new QLabel(m_plan.connection, this);
    connection->setObjectName(QStringLiteral("installServiceConnection"));
    connection->setTextFormat(Qt::PlainText);
    connection->setWordWrap(true);
    connection->setTextInteractionFlags(Qt::TextSelectableByMouse);
    connection->setFont(fixed);
    auto *problems = new QLabel((m_plan.refusals + m_plan.warnings).join(QLatin1Char('\n')), this);
    problems->setObjectName(QStringLiteral("installServiceProblems"));
    problems->setTextFormat(Qt::PlainText); // paths and values, never markup
    problems->setWordWrap(true);
    problems->setTextInteractionFlags(Qt::TextSelectableByMouse);
    problems->setStyleSheet(m_plan.refusals.isEmpty()
                                ? QStringLiteral("QLabel { color: #8a5300; }")
                                : QStringLiteral("QLabel { color: #a4262c; }"));
    problems->setVisible(!problems->text().isEmpty());

    m_startNow
        = new QCheckBox(tr("&Start it now (uncheck to start it yourself once %1 has the password)")
                            .arg(m_plan.passfile),
                        this);
    m_startNow->setObjectName(QStringLiteral("installServiceStartNow"));
    m_startNow->setChecked(true);

    QString commandsText;
    if (m_options.privileged)
        commandsText = tr("Install writes the file and runs:");
    else if (pkexec)
        commandsText = tr("Install asks for root's rights (pkexec) and runs what these commands "
                          "do; you may run them in a terminal instead:");
    else
        commandsText = tr("Write Config saves the file to %1; then run these commands in a "
                          "terminal:")
                           .arg(QDir::toNativeSeparators(m_staged));
    auto *commandsLabel = new QLabel(commandsText, this);
    commandsLabel->setObjectName(QStringLiteral("installServiceCommandsLabel"));
    commandsLabel->setWordWrap(true);
    auto *commands = new QPlainTextEdit(this);
    m_commandsView = commands;
    updateCommands();
    connect(m_startNow, &QCheckBox::toggled, this, &ServiceInstallDialog::updateCommands);
    commands->setObjectName(QStringLiteral("installServiceCommands"));
    commands->setReadOnly(true);
    commands->setFont(fixed);
    // Wrapped for reading; copied, each command stays one line.
    commands->setLineWrapMode(QPlainTextEdit::WidgetWidth);
    commands->setWordWrapMode(QTextOption::WrapAtWordBoundaryOrAnywhere);
    commands->setFixedHeight(commands->fontMetrics().lineSpacing() * 5 + 2 * commands->frameWidth()
                             + 8);

    m_result = new QLabel(this);
    m_result->setObjectName(QStringLiteral("installServiceResult"));
    m_result->setWordWrap(true);
    m_result->setTextInteractionFlags(Qt::TextSelectableByMouse);
    m_result->hide();

    auto *buttons = new QDialogButtonBox(this);
    m_install
        = buttons->addButton(pkexec || m_options.privileged ? tr("&Install") : tr("&Write Config"),
                             QDialogButtonBox::ActionRole);
    m_install->setObjectName(QStringLiteral("installServiceConfirm"));
    m_install->setDefault(true);
    if (!m_plan.refusals.isEmpty()) {
        m_install->setEnabled(false);
        m_install->setToolTip(m_plan.refusals.constFirst());
    }
    m_close = buttons->addButton(QDialogButtonBox::Cancel);
    m_close->setObjectName(QStringLiteral("installServiceClose"));
    connect(m_install, &QPushButton::clicked, this, &ServiceInstallDialog::install);
    connect(m_close, &QPushButton::clicked, this, &QDialog::reject);

    auto *grid = new QGridLayout;
    grid->addWidget(pgpass, 0, 0);
    grid->addWidget(copyButton(this, QStringLiteral("installServiceCopyPgpass"),
                               [pgpass] { return pgpass->text(); }),
                    0, 1);
    auto *commandsGrid = new QGridLayout;
    commandsGrid->addWidget(commands, 0, 0);
    commandsGrid->addWidget(copyButton(this, QStringLiteral("installServiceCopyCommands"),
                                       [commands] { return commands->toPlainText(); }),
                            0, 1, Qt::AlignTop);

    auto *layout = new QVBoxLayout(this);
    layout->addWidget(question);
    layout->addWidget(detailLabel);
    layout->addSpacing(6);
    layout->addWidget(pgpassLabel);
    layout->addLayout(grid);
    layout->addSpacing(6);
    layout->addWidget(connectionLabel);
    layout->addWidget(connection);
    layout->addWidget(problems);
    layout->addSpacing(6);
    layout->addWidget(m_startNow);
    layout->addWidget(commandsLabel);
    layout->addLayout(commandsGrid);
    layout->addWidget(m_result);
    layout->addWidget(buttons);
    // The height the wrapped labels need at this width, not at the narrowest.
    const int width = qMax(titleWidth(windowTitle()), 680);
    layout->activate();
    resize(width, qMax(layout->totalHeightForWidth(width), minimumSizeHint().height()));
}

ServiceInstallDialog::~ServiceInstallDialog()
{
    // Kept for the commands shown once written; nothing to keep otherwise.
    if (!m_stagingDir.isEmpty() && !m_written)
        QDir(m_stagingDir).removeRecursively();
}

ServiceInstallDialog::Target ServiceInstallDialog::targetState() const
{
    const QFileInfo folder(m_options.configFolder);
    // /etc/ferry is root:ferry 0750: most users cannot see what it holds.
    if (folder.isDir() && ::access(QFile::encodeName(folder.filePath()).constData(), X_OK) != 0)
        return Target::Unknown;
    return QFileInfo::exists(m_plan.target) ? Target::Exists : Target::Absent;
}

void ServiceInstallDialog::updateCommands()
{
    m_commands = serviceCommands(m_plan, m_staged, m_options.privileged, m_startNow->isChecked());
    m_commandsView->setPlainText(m_commands.join(QLatin1Char('\n')));
}

void ServiceInstallDialog::install()
{
    if (m_running || !m_plan.refusals.isEmpty())
        return;
    if (targetState() == Target::Exists)
        askReplace();
    else
        proceed(false);
}

void ServiceInstallDialog::askReplace()
{
    if (m_replaceBox) {
        m_replaceBox->raise();
        return;
    }
    auto *box = new QMessageBox(this);
    m_replaceBox = box;
    box->setAttribute(Qt::WA_DeleteOnClose);
    box->setObjectName(QStringLiteral("confirmReplaceServiceConfig"));
    box->setIcon(QMessageBox::Warning);
    box->setWindowTitle(tr("Replace Service Config"));
    box->setText(tr("%1 exists already. Replace it?").arg(m_plan.target));
    box->setInformativeText(
        tr("The service %1 reads it at its next start or reload.").arg(m_plan.unit));
    QPushButton *replace = box->addButton(tr("&Replace"), QMessageBox::DestructiveRole);
    replace->setObjectName(QStringLiteral("confirmReplaceServiceConfigReplace"));
    QPushButton *cancel = box->addButton(QMessageBox::Cancel);
    cancel->setObjectName(QStringLiteral("confirmReplaceServiceConfigCancel"));
    box->setDefaultButton(cancel);
    box->setEscapeButton(cancel);
    connect(box, &QMessageBox::finished, this, [this, box, replace] {
        if (box->clickedButton() == replace)
            proceed(true);
    });
    fitTitle(box);
    box->open();
}

void ServiceInstallDialog::proceed(bool replace)
{
    if (m_options.privileged) {
        writeInPlace(replace);
        return;
    }
    if (Result<void> written = writeNewJobConfig(m_staged, m_plan.job, true); !written) {
        showResult(
            tr("The service's config could not be written: %1.").arg(written.error().message()),
            true);
        return;
    }
    m_written = true;
    if (!m_options.pkexecProgram.isEmpty() && m_options.runner) {
        runThroughPkexec(replace);
        return;
    }
    showResult(m_startNow->isChecked()
                   ? tr("Wrote %1: run the commands above in a terminal to install and start the "
                        "service.")
                         .arg(QDir::toNativeSeparators(m_staged))
                   : tr("Wrote %1: run the commands above in a terminal to install the service; "
                        "start it once %2 has the password.")
                         .arg(QDir::toNativeSeparators(m_staged), m_plan.passfile),
               false);
    m_install->setEnabled(false);
    m_startNow->setEnabled(false);
    m_close->setText(tr("Close"));
}

void ServiceInstallDialog::writeInPlace(bool replace)
{
    const group *ferry = ::getgrnam("ferry");
    if (!ferry) {
        showResult(tr("There is no group ferry: install Ferry's package, which makes it and the "
                      "service's user."),
                   true);
        return;
    }
    const gid_t gid = ferry->gr_gid;
    if (Result<void> written = writeNewJobConfig(m_plan.target, m_plan.job, replace); !written) {
        showResult(
            tr("The service's config could not be written: %1.").arg(written.error().message()),
            true);
        return;
    }
    // Readable by the service's user, as `install -m 0640 -o root -g ferry` leaves it.
    const QByteArray path = QFile::encodeName(m_plan.target);
    if (::chown(path.constData(), 0, gid) != 0
        || !QFile::setPermissions(m_plan.target, QFileDevice::ReadOwner | QFileDevice::WriteOwner
                                                     | QFileDevice::ReadGroup)) {
        showResult(tr("%1 was written, but could not be given to group ferry (mode 0640): "
                      "run chgrp ferry and chmod 0640 on it.")
                       .arg(m_plan.target),
                   true);
        return;
    }
    if (!m_options.runner) {
        showResult(tr("Wrote %1: run the command above to enable the service.").arg(m_plan.target),
                   false);
        return;
    }
    m_running = true;
    m_install->setEnabled(false);
    m_startNow->setEnabled(false);
    QStringList arguments = {QStringLiteral("enable"), m_plan.unit};
    if (m_startNow->isChecked())
        arguments.insert(1, QStringLiteral("--now"));
    m_options.runner(QStringLiteral("systemctl"), arguments, this,
                     [self = QPointer<ServiceInstallDialog>(this)](int code, const QString &error) {
                         if (self)
                             self->ran(code, error, false);
                     });
}

void ServiceInstallDialog::runThroughPkexec(bool replace)
{
    m_running = true;
    m_install->setEnabled(false);
    m_startNow->setEnabled(false);
    m_result->hide();
    m_options.runner(m_options.pkexecProgram,
                     {QStringLiteral("/bin/sh"), QStringLiteral("-c"),
                      pkexecScript(m_plan, replace, m_startNow->isChecked())},
                     this,
                     [self = QPointer<ServiceInstallDialog>(this)](int code, const QString &error) {
                         if (self)
                             self->ran(code, error, true);
                     });
}

void ServiceInstallDialog::ran(int exitCode, const QString &error, bool throughPkexec)
{
    m_running = false;
    m_install->setEnabled(true);
    m_startNow->setEnabled(true);
    if (exitCode == 0) {
        if (!m_stagingDir.isEmpty()) {
            QDir(m_stagingDir).removeRecursively();
            m_written = false;
        }
        m_install->setEnabled(false);
        m_startNow->setEnabled(false);
        m_close->setText(tr("Close"));
        if (!m_startNow->isChecked()) {
            showResult(tr("%1 is enabled, not started: once %2 has the password, run "
                          "sudo systemctl start %1.")
                           .arg(m_plan.unit, m_plan.passfile),
                       false);
            return;
        }
        checkRunning();
        return;
    }
    if (throughPkexec && exitCode == kServiceExistsExit) {
        askReplace();
        return;
    }
    const QString reason = error.isEmpty() ? tr("exit code %1").arg(exitCode) : error;
    const QString enable = m_startNow->isChecked()
                               ? QStringLiteral("sudo systemctl enable --now ") + m_plan.unit
                               : QStringLiteral("sudo systemctl enable ") + m_plan.unit;
    if (!throughPkexec) {
        // Root here: the config is in place, systemctl ran (or did not start).
        if (exitCode < 0)
            showResult(tr("%1 is written, but systemctl could not be run (%2), so %3 is not "
                          "enabled: where systemd runs, run %4.")
                           .arg(m_plan.target, reason, m_plan.unit, enable),
                       true);
        else
            showResult(tr("%1 is written, but systemctl failed (%2), so %3 may not be enabled "
                          "or started: see systemctl status %3 and journalctl -u %3.")
                           .arg(m_plan.target, reason, m_plan.unit),
                       true);
        return;
    }
    switch (exitCode) {
    case kServiceWriteFailedExit:
        showResult(tr("Root could not write %1 (%2): nothing was installed; check that %3 "
                      "exists (Ferry's package makes it) and install again.")
                       .arg(m_plan.target, reason, m_options.configFolder),
                   true);
        return;
    case kServiceNoSystemctlExit:
        showResult(tr("%1 is installed, but there is no systemctl, so %2 is not enabled: "
                      "where systemd runs, run %3.")
                       .arg(m_plan.target, m_plan.unit, enable),
                   true);
        return;
    case kServiceEnableFailedExit:
        showResult(tr("%1 is installed, but systemctl failed (%2), so %3 may not be enabled or "
                      "started: see systemctl status %3 and journalctl -u %3.")
                       .arg(m_plan.target, reason, m_plan.unit),
                   true);
        return;
    case 126:
    case 127:
        showResult(tr("pkexec did not give root's rights (%1): nothing was installed; run the "
                      "commands above in a terminal.")
                       .arg(reason),
                   true);
        return;
    default:
        if (exitCode < 0)
            showResult(tr("pkexec could not be run (%1): nothing was installed; run the commands "
                          "above in a terminal.")
                           .arg(reason),
                       true);
        else
            showResult(tr("Installing as root ended with exit code %1 (%2): see whether %3 "
                          "exists and systemctl status %4.")
                           .arg(QString::number(exitCode), reason, m_plan.target, m_plan.unit),
                       true);
        return;
    }
}

void ServiceInstallDialog::checkRunning()
{
    // A worker that cannot run (no node there, another worker on it) ends at
    // once: enabled is not running. A refused login it waits out, running.
    m_running = true;
    showResult(tr("%1 is enabled and started; checking that it runs…").arg(m_plan.unit), false);
    QTimer::singleShot(m_options.settleMs, this, [this] {
        m_options.runner(
            QStringLiteral("systemctl"), {QStringLiteral("is-active"), m_plan.unit}, this,
            [self = QPointer<ServiceInstallDialog>(this)](int code, const QString &error) {
                if (self)
                    self->checked(code, error);
            });
    });
}

void ServiceInstallDialog::checked(int exitCode, const QString &error)
{
    m_running = false;
    if (exitCode == 0)
        showResult(tr("%1 is enabled and running; it logs to %2 and the journal. If its login is "
                      "refused it waits and says so there: add the password to %3 and run "
                      "sudo systemctl reload %1.")
                       .arg(m_plan.unit, m_plan.job.logFile, m_plan.passfile),
                   false);
    else if (exitCode < 0)
        showResult(tr("%1 is enabled and started, but systemctl is-active did not answer (%2): "
                      "see systemctl status %1.")
                       .arg(m_plan.unit, error.isEmpty() ? tr("no answer") : error),
                   true);
    else
        showResult(tr("%1 is enabled but not running: journalctl -u %1 says why; once it is "
                      "fixed, run sudo systemctl restart %1.")
                       .arg(m_plan.unit),
                   true);
}

void ServiceInstallDialog::showResult(const QString &text, bool failed)
{
    m_result->setText(text);
    m_result->setStyleSheet(failed ? QStringLiteral("QLabel { color: #a4262c; }") : QString());
    m_result->show();
    // Room for the new line: a top-level layout does not grow for wrapped text.
    layout()->activate();
    const int needed = layout()->totalHeightForWidth(width());
    if (needed > height())
        resize(width(), needed);
}

} // namespace ferry::gui
