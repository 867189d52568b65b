#include "wizards/nodeconfigpage.h"

#include "wizards/nodewizard.h"

#include <QCheckBox>
#include <QDir>
#include <QFileDialog>
#include <QFileInfo>
#include <QHBoxLayout>
#include <QLabel>
#include <QLineEdit>
#include <QPushButton>
#include <QVBoxLayout>

namespace ferry::gui {

NodeConfigPage::NodeConfigPage(QWidget *parent)
    : QWizardPage(parent)
{
    setObjectName(QStringLiteral("configPage"));
    setTitle(tr("Config File"));
    setSubTitle(tr("Where the node's job keeps its CONFIG.ini: `ferry CONFIG.ini COMMAND` and "
                   "ferry-gui open it. It holds no password."));
    m_path = new QLineEdit(this);
    m_path->setObjectName(QStringLiteral("configPath"));
    m_path->setToolTip(tr("The file Create writes (mode 0600)."));
    auto *label = new QLabel(tr("&File:"), this);
    label->setBuddy(m_path);
    m_browse = new QPushButton(tr("Br&owse…"), this);
    m_browse->setObjectName(QStringLiteral("configBrowse"));
    m_browse->setToolTip(tr("Choose the file in a file dialog."));
    m_replace = new QCheckBox(tr("&Replace the file if it exists"), this);
    m_replace->setObjectName(QStringLiteral("configReplace"));
    m_replace->setToolTip(tr("Without this, Create never overwrites a file."));
    m_files = new QLabel(this);
    m_files->setObjectName(QStringLiteral("configFiles"));
    m_files->setWordWrap(true);
    m_files->setTextInteractionFlags(Qt::TextSelectableByMouse);
    m_error = new QLabel(this);
    m_error->setObjectName(QStringLiteral("configError"));
    m_error->setWordWrap(true);

    auto *row = new QHBoxLayout;
    row->addWidget(label);
    row->addWidget(m_path, 1);
    row->addWidget(m_browse);
    auto *layout = new QVBoxLayout(this);
    layout->addLayout(row);
    layout->addWidget(m_replace);
    layout->addWidget(m_files);
    layout->addWidget(m_error);
    layout->addStretch(1);
    connect(m_path, &QLineEdit::textChanged, this, &NodeConfigPage::update);
    connect(m_replace, &QCheckBox::toggled, this, &NodeConfigPage::update);
    connect(m_browse, &QPushButton::clicked, this, &NodeConfigPage::browse);
}

void NodeConfigPage::initializePage()
{
    auto *w = qobject_cast<NodeWizard *>(wizard());
    const QString job = w ? w->jobName() : QString();
    // The default follows the job's name until the user chose a file.
    const QString previous
        = QDir(NodeWizard::defaultConfigFolder()).filePath(m_defaultFor + QStringLiteral(".ini"));
    if (m_path->text().isEmpty() || m_path->text() == previous) {
        m_defaultFor = job;
        m_path->setText(
            QDir(NodeWizard::defaultConfigFolder()).filePath(job + QStringLiteral(".ini")));
    }
    update();
}

QString NodeConfigPage::path() const
{
    const QString text = m_path->text().trimmed();
    return text.isEmpty() ? QString()
                          : QFileInfo(QDir::fromNativeSeparators(text)).absoluteFilePath();
}

bool NodeConfigPage::replaces() const
{
    return m_replace->isChecked();
}

QString NodeConfigPage::logFile() const
{
    const QFileInfo info(path());
    return info.dir().filePath(info.completeBaseName() + QStringLiteral(".log"));
}

QString NodeConfigPage::pidFile() const
{
    const QFileInfo info(path());
    return info.dir().filePath(info.completeBaseName() + QStringLiteral(".pid"));
}

QString NodeConfigPage::problem() const
{
    const QString file = path();
    if (file.isEmpty())
        return tr("Enter the config file's path.");
    if (!file.endsWith(QLatin1String(".ini")))
        return tr("Give the file the ending .ini (ferry names the job's files after it).");
    const QFileInfo info(file);
    if (info.isDir())
        return tr("%1 is a folder: enter a file name.").arg(QDir::toNativeSeparators(file));
    if (info.exists() && !replaces())
        return tr("%1 exists already: choose another file, or tick Replace the file if it "
                  "exists.")
            .arg(QDir::toNativeSeparators(file));
    return {};
}

bool NodeConfigPage::isComplete() const
{
    return problem().isEmpty();
}

void NodeConfigPage::update()
{
    m_error->setText(problem());
    m_files->setText(path().isEmpty() ? QString()
                                      : tr("The worker logs to %1 and keeps its pid in %2.")
                                            .arg(QDir::toNativeSeparators(logFile()),
                                                 QDir::toNativeSeparators(pidFile())));
    emit completeChanged();
}

void NodeConfigPage::browse()
{
    // Not exec()'d: the cascade behind keeps refreshing.
    auto *dialog = new QFileDialog(this, tr("Config File"), QFileInfo(path()).absolutePath(),
                                   tr("Ferry configs (*.ini)"));
    dialog->setObjectName(QStringLiteral("configFileDialog"));
    dialog->setAttribute(Qt::WA_DeleteOnClose);
    dialog->setAcceptMode(QFileDialog::AcceptSave);
    dialog->setDefaultSuffix(QStringLiteral("ini"));
    // Replacing is the check box's decision, said on the page.
    dialog->setOption(QFileDialog::DontConfirmOverwrite);
    dialog->selectFile(path());
    connect(dialog, &QFileDialog::fileSelected, this,
            [this](const QString &file) { m_path->setText(QDir::toNativeSeparators(file)); });
    dialog->open();
}

} // namespace ferry::gui
