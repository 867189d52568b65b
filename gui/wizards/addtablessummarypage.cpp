#include "addtablessummarypage.h"

#include "wizards/addtableswizard.h"

#include <QApplication>
#include <QClipboard>
#include <QFontDatabase>
#include <QHBoxLayout>
#include <QLabel>
#include <QPlainTextEdit>
#include <QProgressBar>
#include <QPushButton>
#include <QVBoxLayout>

namespace ferry::gui {

AddTablesSummaryPage::AddTablesSummaryPage(AddTablesWizard *wizard)
    : QWizardPage(wizard)
    , m_wizard(wizard)
{
    setObjectName(QStringLiteral("addTablesSummaryPage"));
    setTitle(tr("Summary"));
    setSubTitle(tr("Finish adds the tables; the same can be done from a terminal."));

    m_what = new QLabel(this);
    m_what->setObjectName(QStringLiteral("addTablesWhat"));
    m_what->setWordWrap(true);
    auto *commandsLabel = new QLabel(tr("Co&mmands:"), this);
    m_commands = new QPlainTextEdit(this);
    m_commands->setObjectName(QStringLiteral("addTablesCommand"));
    m_commands->setReadOnly(true);
    m_commands->setFont(QFontDatabase::systemFont(QFontDatabase::FixedFont));
    // Wrapped to be read whole; Copy gives each command on one line.
    m_commands->setLineWrapMode(QPlainTextEdit::WidgetWidth);
    m_commands->setToolTip(tr("The ferry add-table commands that add the same tables"));
    commandsLabel->setBuddy(m_commands);
    m_copy = new QPushButton(tr("&Copy"), this);
    m_copy->setObjectName(QStringLiteral("addTablesCopy"));
    m_copy->setToolTip(tr("Copy the commands to the clipboard"));
    m_configNote = new QLabel(this);
    m_configNote->setObjectName(QStringLiteral("addTablesConfigNote"));
    m_configNote->setWordWrap(true);
    // Its height is reserved before the page has its width: the text stays
    // under the commands, the room to spare below it.
    m_configNote->setAlignment(Qt::AlignLeft | Qt::AlignTop);
    m_configNote->hide();
    m_busy = new QProgressBar(this);
    m_busy->setObjectName(QStringLiteral("addTablesAddBusy"));
    m_busy->setRange(0, 0);
    m_busy->setTextVisible(false);
    m_busy->setMaximumHeight(8);
    m_busy->setToolTip(tr("Adding the tables"));
    m_busy->hide();
    m_error = new QLabel(this);
    m_error->setObjectName(QStringLiteral("addTablesAddError"));
    m_error->setWordWrap(true);
    m_error->setStyleSheet(QStringLiteral("color: #b00020"));

    auto *copyRow = new QHBoxLayout;
    copyRow->addWidget(commandsLabel);
    copyRow->addStretch(1);
    copyRow->addWidget(m_copy);
    auto *layout = new QVBoxLayout(this);
    layout->addWidget(m_what);
    layout->addLayout(copyRow);
    layout->addWidget(m_commands, 1);
    layout->addWidget(m_configNote);
    layout->addWidget(m_busy);
    layout->addWidget(m_error);
    setTabOrder(m_commands, m_copy);

    connect(m_copy, &QPushButton::clicked, this,
            [this] { QApplication::clipboard()->setText(m_commands->toPlainText()); });
    connect(m_wizard, &AddTablesWizard::busyChanged, this, [this](bool busy) {
        m_busy->setVisible(busy); // a hidden page's bar shows nothing
        if (busy)
            setWrappedText(m_error, QString());
        emit completeChanged();
    });
    connect(m_wizard, &AddTablesWizard::addFailed, this,
            [this](const QString &error) { setWrappedText(m_error, error); });
}

void AddTablesSummaryPage::initializePage()
{
    const int count = int(m_wizard->mappings().size());
    const QString node = m_wizard->node().name;
    m_what->setText(m_wizard->isRoot()
                        ? tr("Finish makes root %1 capture %Ln table(s)' changes, in one "
                             "transaction.",
                             nullptr, count)
                              .arg(node)
                        : tr("Finish adds %Ln table(s) to leaf %1 in one transaction; its worker "
                             "then copies them and the main window shows their progress.",
                             nullptr, count)
                              .arg(node));
    m_commands->setPlainText(m_wizard->commands().join(QLatin1Char('\n')));
    const QString note = m_wizard->commandConfigNote();
    m_configNote->setVisible(!note.isEmpty());
    setWrappedText(m_configNote, note);
    setWrappedText(m_error, QString());
}

bool AddTablesSummaryPage::isComplete() const
{
    return !m_wizard->isBusy() && !m_wizard->mappings().isEmpty();
}

} // namespace ferry::gui
