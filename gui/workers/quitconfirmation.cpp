#include "workers/quitconfirmation.h"

#include "common/messagebox.h"
#include "util/operatorlog.h"
#include "workers/workerregistry.h"

#include <QMessageBox>
#include <QPushButton>

namespace ferry::gui {

QMessageBox *QuitConfirmation::ask(QWidget *parent,
                                   const WorkerRegistry *registry,
                                   bool offerTray,
                                   const std::function<void(Choice)> &done)
{
    const QList<JobConfig> running = registry->activeConfigs();
    if (running.isEmpty()) {
        done(Choice::Quit);
        return nullptr;
    }
    QStringList names;
    for (const JobConfig &config : running)
        names << QStringLiteral("%1 (%2)").arg(config.jobName(), config.db().displayName());

    auto *box = new QMessageBox(parent);
    box->setAttribute(Qt::WA_DeleteOnClose);
    box->setObjectName(QStringLiteral("confirmQuit"));
    box->setIcon(QMessageBox::Warning);
    box->setWindowTitle(tr("Quit Ferry"));
    box->setText(tr("Quit Ferry and stop the workers running in it?"));
    QString info = tr("Running here: %1. Replication through their nodes stops until their "
                      "workers are started again.")
                       .arg(names.join(QStringLiteral(", ")));
    if (offerTray)
        info += QLatin1Char(' ') + tr("Hide to Tray keeps them running in the background.");
    box->setInformativeText(info);

    QPushButton *hide = nullptr;
    if (offerTray) {
        hide = box->addButton(tr("&Hide to Tray"), QMessageBox::AcceptRole);
        hide->setObjectName(QStringLiteral("confirmQuitHide"));
    }
    QPushButton *quit = box->addButton(tr("&Quit"), QMessageBox::DestructiveRole);
    quit->setObjectName(QStringLiteral("confirmQuitQuit"));
    QPushButton *cancel = box->addButton(QMessageBox::Cancel);
    cancel->setObjectName(QStringLiteral("confirmQuitCancel"));
    box->setDefaultButton(hide ? hide : cancel);
    box->setEscapeButton(cancel);

    QObject::connect(box, &QMessageBox::finished, box, [box, hide, quit, done, running] {
        const QAbstractButton *clicked = box->clickedButton();
        if (clicked && clicked == quit) {
            // Each worker's log says who stopped it and why, as Worker > Stop does.
            for (const JobConfig &config : running) {
                OperatorNote note;
                note.action = OperatorAction::Stop;
                note.node = config.db().displayName();
                note.frontEnd = QStringLiteral("ferry-gui");
                note.pid = QCoreApplication::applicationPid();
                (void)logOperatorAction(WorkerThread::resolvedPath(config, config.logFile()), note);
            }
            done(Choice::Quit);
        } else if (clicked && clicked == hide) {
            done(Choice::HideToTray);
        } else {
            done(Choice::Cancel);
        }
    });
    fitTitle(box);
    box->open();
    return box;
}

} // namespace ferry::gui
