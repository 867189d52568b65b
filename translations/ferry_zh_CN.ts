<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1" language="zh_CN">
<context>
    <name>AddTablesWizard</name>
    <message>
        <source>%1 is busy on the provider: another session holds a lock on it; press Validate again once that session is done</source>
        <translation>%1 在提供者上正忙：另一个会话持有它的锁；等该会话结束后再按“验证”</translation>
    </message>
</context>
<context>
    <name>CommandLine</name>
    <message>
        <source>Ferry desktop manager: queue-based logical replication for PostgreSQL.</source>
        <translation>Ferry 桌面管理器：基于队列的 PostgreSQL 逻辑复制。</translation>
    </message>
    <message>
        <source>Show the user interface in &lt;locale&gt;, e.g. zh_CN or en.</source>
        <translation>以 &lt;语言区域&gt; 指定的语言显示用户界面，例如 zh_CN 或 en。</translation>
    </message>
    <message>
        <source>locale</source>
        <translation>语言区域</translation>
    </message>
    <message>
        <source>Save a picture of the main window to &lt;file&gt; and quit.</source>
        <translation>将主窗口的截图保存到 &lt;文件&gt; 并退出。</translation>
    </message>
    <message>
        <source>file</source>
        <translation>文件</translation>
    </message>
    <message>
        <source>Cannot write the picture to %1.</source>
        <translation>无法将图片写入 %1。</translation>
    </message>
    <message>
        <source>A Ferry job&apos;s CONFIG.ini to open.</source>
        <translation>要打开的 Ferry 作业的 CONFIG.ini。</translation>
    </message>
    <message>
        <source>Run in the system tray without a window, keeping the background workers running.</source>
        <translation>不显示窗口，在系统托盘中运行，并保持后台工作进程运行。</translation>
    </message>
    <message>
        <source>No system tray found: the background workers run while the window is open.</source>
        <translation>未找到系统托盘：后台工作进程仅在窗口打开时运行。</translation>
    </message>
    <message>
        <source>Ferry is already running (pid %1); its window now shows %2.</source>
        <translation>Ferry 已在运行（pid %1）；其窗口现在显示 %2。</translation>
    </message>
    <message>
        <source>Ferry is already running (pid %1); its window says why it cannot open %2.</source>
        <translation>Ferry 已在运行（pid %1）；其窗口会说明为何无法打开 %2。</translation>
    </message>
    <message>
        <source>Ferry is already running (pid %1); its window is shown.</source>
        <translation>Ferry 已在运行（pid %1）；已显示其窗口。</translation>
    </message>
    <message>
        <source>Ferry is already running (pid %1); its window is shown with %2.</source>
        <translation>Ferry 已在运行（pid %1）；已显示其窗口，当前打开的是 %2。</translation>
    </message>
    <message>
        <source>Ferry is already running (pid %1); it keeps the background workers running.</source>
        <translation>Ferry 已在运行（pid %1）；它会保持后台工作进程运行。</translation>
    </message>
    <message>
        <source>ferry-gui: cannot make %1, so a second ferry-gui is not kept from starting.</source>
        <translation>ferry-gui：无法创建 %1，因此无法阻止再启动一个 ferry-gui。</translation>
    </message>
    <message>
        <source>ferry-gui: cannot listen on %1 (%2): a second ferry-gui will wait for this one and give up.</source>
        <translation>ferry-gui：无法在 %1 上监听（%2）：再启动的 ferry-gui 会等待本实例应答，然后放弃。</translation>
    </message>
    <message>
        <source>Ferry runs already (pid %1) but does not answer; end that process, then start ferry-gui again.</source>
        <translation>Ferry 已在运行（pid %1），但没有响应；请结束该进程，然后重新启动 ferry-gui。</translation>
    </message>
    <message>
        <source>Ferry runs already but did not answer in time; look for its window or tray icon.</source>
        <translation>Ferry 已在运行，但未及时响应；请查找它的窗口或托盘图标。</translation>
    </message>
</context>
<context>
    <name>NodeCreation</name>
    <message>
        <source>config file %1 was not removed: %2</source>
        <translation>配置文件 %1 未被删除：%2</translation>
    </message>
    <message>
        <source>config file %1 was not put back as it was: %2</source>
        <translation>配置文件 %1 未能恢复原样：%2</translation>
    </message>
    <message>
        <source>config file %1 was put back without its old mode: %2</source>
        <translation>配置文件 %1 已恢复，但未恢复其原有权限：%2</translation>
    </message>
    <message>
        <source>schema ferry this Create made is still there: %1</source>
        <translation>本次创建所建的模式 ferry 仍然存在：%1</translation>
    </message>
    <message>
        <source>schema ferry exists in database %1 and is not Ferry&apos;s: rename it or use another database</source>
        <translation>数据库 %1 中已有模式 ferry，但它不属于 Ferry：请将其改名，或使用另一个数据库</translation>
    </message>
    <message>
        <source>cannot read %1 to keep it: %2</source>
        <translation>无法读取 %1 以保留它：%2</translation>
    </message>
    <message>
        <source>database %1 this Create made is still there: %2</source>
        <translation>本次创建所建的数据库 %1 仍然存在：%2</translation>
    </message>
</context>
<context>
    <name>ferry::gui::AddTablesMappingPage</name>
    <message>
        <source>Mapping</source>
        <translation>映射</translation>
    </message>
    <message>
        <source>Where each table goes on this node, and which of its rows and columns.</source>
        <translation>每个表在此节点上的去向，以及保留它的哪些行和列。</translation>
    </message>
    <message>
        <source>Rename sc&amp;hema</source>
        <translation>重命名模式(&amp;H)</translation>
    </message>
    <message>
        <source>The provider&apos;s schema whose tables all go into another schema</source>
        <translation>提供者上的一个模式，其中的所有表都将放入另一个模式</translation>
    </message>
    <message>
        <source>t&amp;o</source>
        <translation>改为(&amp;O)</translation>
    </message>
    <message>
        <source>schema on this node</source>
        <translation>此节点上的模式</translation>
    </message>
    <message>
        <source>The schema on this node that the chosen schema&apos;s tables go into</source>
        <translation>所选模式中的表在此节点上所放入的模式</translation>
    </message>
    <message>
        <source>&amp;Apply to all</source>
        <translation>全部应用(&amp;A)</translation>
    </message>
    <message>
        <source>Set the destination schema of every chosen table of that schema</source>
        <translation>为该模式中每个已选的表设置目标模式</translation>
    </message>
    <message>
        <source>Chosen &amp;tables:</source>
        <translation>已选的表(&amp;T)：</translation>
    </message>
    <message>
        <source>The chosen tables and where they go; pick one to edit its mapping</source>
        <translation>已选的表及其去向；选择其中一个即可编辑其映射</translation>
    </message>
    <message>
        <source>The chosen table</source>
        <translation>所选的表</translation>
    </message>
    <message>
        <source>The schema of the table on this node (default: the provider&apos;s)</source>
        <translation>该表在此节点上的模式（默认：与提供者相同）</translation>
    </message>
    <message>
        <source>The table&apos;s name on this node (default: the provider&apos;s)</source>
        <translation>该表在此节点上的名称（默认：与提供者相同）</translation>
    </message>
    <message>
        <source>every row, or an SQL condition: userid &lt; 1000</source>
        <translation>所有行，或 SQL 条件：userid &lt; 1000</translation>
    </message>
    <message>
        <source>Only the provider&apos;s rows that match this SQL condition over the table&apos;s columns are copied and kept in step; empty: every row</source>
        <translation>只复制提供者上符合此 SQL 条件（基于该表的列）的行，并保持同步；留空：所有行</translation>
    </message>
    <message>
        <source>&amp;Validate</source>
        <translation>验证(&amp;V)</translation>
    </message>
    <message>
        <source>Check the condition on the provider and count the rows it takes</source>
        <translation>在提供者上检查该条件，并统计它选中的行数</translation>
    </message>
    <message>
        <source>The columns replicated to this node; the primary key&apos;s always are</source>
        <translation>复制到此节点的列；主键列始终会复制</translation>
    </message>
    <message>
        <source>C&amp;reate the destination if it is missing</source>
        <translation>目标表不存在时创建它(&amp;R)</translation>
    </message>
    <message>
        <source>Make the table on this node from the provider&apos;s columns and primary key when it does not exist</source>
        <translation>当此节点上不存在该表时，按提供者的列和主键创建它</translation>
    </message>
    <message>
        <source>with its &amp;indexes</source>
        <translation>连同其索引(&amp;I)</translation>
    </message>
    <message>
        <source>Also make the provider&apos;s other indexes on the new table</source>
        <translation>同时在新表上创建提供者的其他索引</translation>
    </message>
    <message>
        <source>Destination &amp;schema:</source>
        <translation>目标模式(&amp;S)：</translation>
    </message>
    <message>
        <source>Destination tab&amp;le:</source>
        <translation>目标表(&amp;L)：</translation>
    </message>
    <message>
        <source>Row con&amp;dition:</source>
        <translation>行条件(&amp;D)：</translation>
    </message>
    <message>
        <source>Colu&amp;mns:</source>
        <translation>列(&amp;M)：</translation>
    </message>
    <message>
        <source>Checking the row condition on the provider</source>
        <translation>正在提供者上检查行条件</translation>
    </message>
    <message>
        <source>  → same name</source>
        <translation>  → 同名</translation>
    </message>
    <message>
        <source>, where …</source>
        <translation>，条件 …</translation>
    </message>
    <message>
        <source>%1 into %2, every row</source>
        <translation>%1 放入 %2，所有行</translation>
    </message>
    <message>
        <source>%1 into %2, where %3</source>
        <translation>%1 放入 %2，条件 %3</translation>
    </message>
    <message>
        <source>%1 from the provider</source>
        <translation>来自提供者的 %1</translation>
    </message>
    <message>
        <source>%1 is in the primary key: always kept</source>
        <translation>%1 属于主键：始终保留</translation>
    </message>
    <message>
        <source>Replicate column %1 to this node</source>
        <translation>将列 %1 复制到此节点</translation>
    </message>
    <message>
        <source>Every row is replicated.</source>
        <translation>复制所有行。</translation>
    </message>
    <message>
        <source>Not validated yet: press Validate to check it on the provider.</source>
        <translation>尚未验证：点击“验证”即可在提供者上检查它。</translation>
    </message>
    <message>
        <source>Give %1 a destination schema and table name.</source>
        <translation>请为 %1 指定目标模式和表名。</translation>
    </message>
    <message>
        <source>%1: %2</source>
        <translation>%1：%2</translation>
    </message>
    <message>
        <source>Press Validate to check the row condition of %1 on the provider.</source>
        <translation>请点击“验证”，在提供者上检查 %1 的行条件。</translation>
    </message>
    <message>
        <source>%1 and %2 both go into %3: give one of them another destination.</source>
        <translation>%1 和 %2 都放入 %3：请为其中一个指定其他目标。</translation>
    </message>
</context>
<context>
    <name>ferry::gui::AddTablesSummaryPage</name>
    <message>
        <source>Summary</source>
        <translation>摘要</translation>
    </message>
    <message>
        <source>Finish adds the tables; the same can be done from a terminal.</source>
        <translation>点击“完成”即可添加这些表；也可以在终端中执行同样的操作。</translation>
    </message>
    <message>
        <source>Co&amp;mmands:</source>
        <translation>命令(&amp;M)：</translation>
    </message>
    <message>
        <source>The ferry add-table commands that add the same tables</source>
        <translation>添加相同表的 ferry add-table 命令</translation>
    </message>
    <message>
        <source>&amp;Copy</source>
        <translation>复制(&amp;C)</translation>
    </message>
    <message>
        <source>Copy the commands to the clipboard</source>
        <translation>将命令复制到剪贴板</translation>
    </message>
    <message>
        <source>Adding the tables</source>
        <translation>正在添加表</translation>
    </message>
    <message numerus="yes">
        <source>Finish makes root %1 capture %Ln table(s)&apos; changes, in one transaction.</source>
        <translation>
            <numerusform>点击“完成”后，根节点 %1 将在一个事务中开始捕获 %Ln 个表的变更。</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>Finish adds %Ln table(s) to leaf %1 in one transaction; its worker then copies them and the main window shows their progress.</source>
        <translation>
            <numerusform>点击“完成”后，将在一个事务中向叶子节点 %1 添加 %Ln 个表；随后其工作进程会复制这些表，主窗口会显示复制进度。</numerusform>
        </translation>
    </message>
</context>
<context>
    <name>ferry::gui::AddTablesTablesPage</name>
    <message>
        <source>Tables</source>
        <translation>表</translation>
    </message>
    <message>
        <source>Check the provider&apos;s tables this node should replicate.</source>
        <translation>勾选此节点要复制的提供者的表。</translation>
    </message>
    <message>
        <source>Fil&amp;ter:</source>
        <translation>筛选(&amp;T)：</translation>
    </message>
    <message>
        <source>schema or table name</source>
        <translation>模式名或表名</translation>
    </message>
    <message>
        <source>Show only the tables whose schema.table name contains this text</source>
        <translation>只显示名称（模式.表名）中包含此文本的表</translation>
    </message>
    <message>
        <source>&amp;Reload</source>
        <translation>重新加载(&amp;R)</translation>
    </message>
    <message>
        <source>Read the provider&apos;s tables again</source>
        <translation>重新读取提供者的表</translation>
    </message>
    <message>
        <source>Name</source>
        <translation>名称</translation>
    </message>
    <message>
        <source>Rows (estimate)</source>
        <translation>行数（估计）</translation>
    </message>
    <message>
        <source>Primary key</source>
        <translation>主键</translation>
    </message>
    <message>
        <source>State</source>
        <translation>状态</translation>
    </message>
    <message>
        <source>Check a table to add it, or a schema to add all its tables; grey tables cannot be added (the tooltip says why)</source>
        <translation>勾选表即可添加该表，勾选模式即可添加其中的所有表；灰色的表无法添加（工具提示会说明原因）</translation>
    </message>
    <message>
        <source>Reading the provider&apos;s tables</source>
        <translation>正在读取提供者的表</translation>
    </message>
    <message>
        <source>Schema %1: check it to add all its tables that can be added</source>
        <translation>模式 %1：勾选它即可添加其中所有可添加的表</translation>
    </message>
    <message>
        <source>unknown</source>
        <translation>未知</translation>
    </message>
    <message>
        <source>yes</source>
        <translation>有</translation>
    </message>
    <message>
        <source>no</source>
        <translation>无</translation>
    </message>
    <message>
        <source>already added</source>
        <translation>已添加</translation>
    </message>
    <message>
        <source>%1 is already added on this node</source>
        <translation>%1 已添加到此节点</translation>
    </message>
    <message>
        <source>%1 cannot be added: %2</source>
        <translation>%1 无法添加：%2</translation>
    </message>
    <message>
        <source>%1: check it to add it</source>
        <translation>%1：勾选即可添加</translation>
    </message>
    <message>
        <source>%1 of %2 tables can be added; %3 checked</source>
        <translation>%2 个表中有 %1 个可以添加；已勾选 %3 个</translation>
    </message>
</context>
<context>
    <name>ferry::gui::AddTablesWizard</name>
    <message>
        <source>Add Tables — %1</source>
        <translation>添加表 — %1</translation>
    </message>
    <message>
        <source>Close the wizard; no table is added</source>
        <translation>关闭向导；不添加任何表</translation>
    </message>
    <message>
        <source>Add the tables in one transaction; the node&apos;s worker then copies them</source>
        <translation>在一个事务中添加这些表；随后由该节点的工作进程复制它们</translation>
    </message>
    <message numerus="yes">
        <source>%Ln row(s) of %1 match</source>
        <translation>
            <numerusform>%1 中有 %Ln 行符合条件</numerusform>
        </translation>
    </message>
    <message>
        <source>more than %1 rows of %2 match</source>
        <translation>%2 中有超过 %1 行符合条件</translation>
    </message>
    <message>
        <source>about %1 rows of %2 match (the planner&apos;s estimate: counting them took too long)</source>
        <translation>%2 中约有 %1 行符合条件（规划器的估计值：精确计数耗时过长）</translation>
    </message>
    <message>
        <source>%1 stands for node %2&apos;s config: run these commands with it.</source>
        <translation>%1 代表节点 %2 的配置：请用它运行这些命令。</translation>
    </message>
</context>
<context>
    <name>ferry::gui::CascadeActions</name>
    <message>
        <source>Stops replicating %1 to %2; its rows stay in %2 and no longer change.</source>
        <translation>停止将 %1 复制到 %2；其行保留在 %2 中，且不再变化。</translation>
    </message>
    <message>
        <source>Empties %1 on %2 and copies it again from the provider.</source>
        <translation>清空 %2 上的 %1，然后从提供者重新复制。</translation>
    </message>
    <message>
        <source>Removes the root %1 and its queue from its database: its tables keep their rows and their changes are no longer captured.</source>
        <translation>从其数据库中删除根节点 %1 及其队列：其表保留现有的行，但不再捕获这些表的变更。</translation>
    </message>
    <message>
        <source>Removes node %1 from the cascade: its tables keep their rows and no longer change, the provider %2 forgets it and keeps no more changes for it. Its worker must be stopped first.</source>
        <translation>从级联中删除节点 %1：其表保留现有的行且不再变化，提供者 %2 会忘记该节点，不再为它保留变更。必须先停止其工作进程。</translation>
    </message>
    <message>
        <source>Remove Tables</source>
        <translation>移除表</translation>
    </message>
    <message>
        <source>Remove %1 from node %2?</source>
        <translation>要从节点 %2 移除 %1 吗？</translation>
    </message>
    <message numerus="yes">
        <source>Remove %n tables from node %1?</source>
        <translation>
            <numerusform>要从节点 %1 移除 %n 个表吗？</numerusform>
        </translation>
    </message>
    <message>
        <source>&amp;Remove</source>
        <translation>移除(&amp;R)</translation>
    </message>
    <message>
        <source>Removing %1 from %2…</source>
        <translation>正在从 %2 移除 %1…</translation>
    </message>
    <message>
        <source>Removed %1 from %2.</source>
        <translation>已从 %2 移除 %1。</translation>
    </message>
    <message>
        <source>Resync Tables</source>
        <translation>重新同步表</translation>
    </message>
    <message>
        <source>Copy %1 of node %2 again?</source>
        <translation>要重新复制节点 %2 的 %1 吗？</translation>
    </message>
    <message numerus="yes">
        <source>Copy %n tables of node %1 again?</source>
        <translation>
            <numerusform>要重新复制节点 %1 的 %n 个表吗？</numerusform>
        </translation>
    </message>
    <message>
        <source>Re&amp;sync</source>
        <translation>重新同步(&amp;S)</translation>
    </message>
    <message>
        <source>Resyncing %1 on %2…</source>
        <translation>正在重新同步 %2 上的 %1…</translation>
    </message>
    <message>
        <source>%1 on %2: copying again.</source>
        <translation>%2 上的 %1：正在重新复制。</translation>
    </message>
    <message>
        <source>Pausing %1…</source>
        <translation>正在暂停 %1…</translation>
    </message>
    <message>
        <source>Resuming %1…</source>
        <translation>正在恢复 %1…</translation>
    </message>
    <message>
        <source>Paused %1: its worker applies nothing until it is resumed.</source>
        <translation>已暂停 %1：在恢复之前，其工作进程不会应用任何变更。</translation>
    </message>
    <message>
        <source>Resumed %1.</source>
        <translation>已恢复 %1。</translation>
    </message>
    <message>
        <source>Drop Node</source>
        <translation>删除节点</translation>
    </message>
    <message>
        <source>Drop node %1 from the cascade?</source>
        <translation>要从级联中删除节点 %1 吗？</translation>
    </message>
    <message>
        <source>&amp;Drop Node</source>
        <translation>删除节点(&amp;D)</translation>
    </message>
    <message>
        <source>Dropping %1…</source>
        <translation>正在删除 %1…</translation>
    </message>
    <message>
        <source>Dropped %1 from the cascade.</source>
        <translation>已从级联中删除 %1。</translation>
    </message>
    <message>
        <source>%1 failed: %2</source>
        <translation>%1 时失败：%2</translation>
    </message>
    <message>
        <source>Action Failed</source>
        <translation>操作失败</translation>
    </message>
    <message>
        <source>%1 failed.</source>
        <translation>%1 时失败。</translation>
    </message>
    <message>
        <source>%1. %2</source>
        <translation>%1。%2</translation>
    </message>
    <message>
        <source>New &amp;Root…</source>
        <translation>新建根节点(&amp;R)…</translation>
    </message>
    <message>
        <source>Make a database the root of a new cascade: install Ferry there and create its queue</source>
        <translation>将一个数据库设为新级联的根节点：在其中安装 Ferry 并创建其队列</translation>
    </message>
    <message>
        <source>Add &amp;Leaf…</source>
        <translation>添加叶子节点(&amp;L)…</translation>
    </message>
    <message>
        <source>Add &amp;Tables…</source>
        <translation>添加表(&amp;T)…</translation>
    </message>
    <message>
        <source>Choose tables of the provider for the selected node to replicate</source>
        <translation>选择提供者的表，供所选节点复制</translation>
    </message>
    <message>
        <source>Re&amp;move Tables…</source>
        <translation>移除表(&amp;M)…</translation>
    </message>
    <message>
        <source>Stop replicating the selected tables to this leaf; their rows stay there</source>
        <translation>停止将所选的表复制到此叶子节点；其中的行仍保留在该节点上</translation>
    </message>
    <message>
        <source>Re&amp;sync Tables…</source>
        <translation>重新同步表(&amp;S)…</translation>
    </message>
    <message>
        <source>Empty the selected tables on this leaf and copy them again from the provider</source>
        <translation>清空此叶子节点上所选的表，然后从提供者重新复制</translation>
    </message>
    <message>
        <source>&amp;Pause Node</source>
        <translation>暂停节点(&amp;P)</translation>
    </message>
    <message>
        <source>The selected node&apos;s worker applies nothing until it is resumed; changes wait in the queue</source>
        <translation>在恢复之前，所选节点的工作进程不应用任何变更；变更在队列中等待</translation>
    </message>
    <message>
        <source>Res&amp;ume Node</source>
        <translation>恢复节点(&amp;U)</translation>
    </message>
    <message>
        <source>The selected node&apos;s worker applies changes again</source>
        <translation>所选节点的工作进程重新开始应用变更</translation>
    </message>
    <message>
        <source>&amp;Drop Node…</source>
        <translation>删除节点(&amp;D)…</translation>
    </message>
    <message>
        <source>Remove the selected node from the cascade; its tables keep their rows</source>
        <translation>从级联中删除所选节点；其表保留现有的行</translation>
    </message>
    <message>
        <source>A leaf&apos;s provider is the root: select the root to add a leaf</source>
        <translation>叶子节点的提供者是根节点：请选择根节点来添加叶子节点</translation>
    </message>
    <message>
        <source>Add a leaf node that replicates from the selected root</source>
        <translation>添加一个从所选根节点复制的叶子节点</translation>
    </message>
</context>
<context>
    <name>ferry::gui::CascadeModel</name>
    <message>
        <source>%1: the node of the open config, at %2</source>
        <translation>%1：当前打开的配置所属的节点，位于 %2</translation>
    </message>
    <message>
        <source>%1, at %2</source>
        <translation>%1，位于 %2</translation>
    </message>
    <message>
        <source>%1 tables ok, %2 being copied or catching up, %3 with errors</source>
        <translation>%1 个表正常，%2 个正在复制或追赶，%3 个出错</translation>
    </message>
    <message>
        <source>How old the oldest change this node may still lack is, by the root&apos;s clock</source>
        <translation>该节点可能尚缺的最早变更已有多久（按根节点的时钟）</translation>
    </message>
    <message>
        <source>Tables that replicate, that are being copied or catching up, and that stopped on an error</source>
        <translation>正常复制的表、正在复制或追赶的表，以及因错误停止的表</translation>
    </message>
    <message>
        <source>Node</source>
        <translation>节点</translation>
    </message>
    <message>
        <source>Type</source>
        <translation>类型</translation>
    </message>
    <message>
        <source>State</source>
        <translation>状态</translation>
    </message>
    <message>
        <source>Lag</source>
        <translation>延迟</translation>
    </message>
    <message>
        <source>Tick</source>
        <translation>Tick</translation>
    </message>
    <message>
        <source>Tables ok / copying / error</source>
        <translation>表 正常 / 复制中 / 出错</translation>
    </message>
    <message>
        <source>Errors and warnings</source>
        <translation>错误和警告</translation>
    </message>
    <message>
        <source>%1 (alert above %2)</source>
        <translation>%1（超过 %2 时告警）</translation>
    </message>
</context>
<context>
    <name>ferry::gui::CascadeView</name>
    <message>
        <source>Refresh &amp;every</source>
        <translation>刷新间隔(&amp;E)</translation>
    </message>
    <message>
        <source> s</source>
        <translation> 秒</translation>
    </message>
    <message>
        <source>How often the status of every node is read</source>
        <translation>多久读取一次所有节点的状态</translation>
    </message>
    <message>
        <source>Refresh now</source>
        <translation>立即刷新</translation>
    </message>
    <message>
        <source>Read the status of every node now</source>
        <translation>立即读取所有节点的状态</translation>
    </message>
    <message>
        <source>Queue %1</source>
        <translation>队列 %1</translation>
    </message>
    <message>
        <source>Queue %1, node %2</source>
        <translation>队列 %1，节点 %2</translation>
    </message>
    <message>
        <source>Reading the status…</source>
        <translation>正在读取状态…</translation>
    </message>
    <message>
        <source>Updated %1</source>
        <translation>更新于 %1</translation>
    </message>
    <message>
        <source>Cannot read the status of the cascade: %1</source>
        <translation>无法读取级联的状态：%1</translation>
    </message>
    <message>
        <source>This node&apos;s database does not answer, so the cascade is shown as the root sees it: %1</source>
        <translation>本节点的数据库没有响应，因此按根节点所见显示级联：%1</translation>
    </message>
    <message>
        <source>Refresh</source>
        <translation>刷新</translation>
    </message>
    <message>
        <source>Log in again, once, with the password as it is now</source>
        <translation>使用当前的密码重新登录一次</translation>
    </message>
    <message>
        <source>Updated %1 through the root — this node&apos;s database failing since %2</source>
        <translation>更新于 %1（经由根节点）— 本节点的数据库自 %2 起一直失败</translation>
    </message>
    <message>
        <source>Last read %1 — failing since %2: %3</source>
        <translation>上次读取于 %1 — 自 %2 起一直失败：%3</translation>
    </message>
    <message>
        <source>Not read yet — failing since %1: %2</source>
        <translation>尚未读取 — 自 %1 起一直失败：%2</translation>
    </message>
    <message>
        <source>The login was refused: %1. %2</source>
        <translation>登录被拒绝：%1。%2</translation>
    </message>
    <message>
        <source>This node&apos;s database refused the login, so the cascade is shown as the root sees it: %1. %2</source>
        <translation>本节点的数据库拒绝了登录，因此按根节点所见显示级联：%1。%2</translation>
    </message>
    <message>
        <source>The login to %1 was refused. %2</source>
        <translation>登录 %1 被拒绝。%2</translation>
    </message>
</context>
<context>
    <name>ferry::gui::CompareDifferences</name>
    <message>
        <source>Select a table with MISMATCH to see the rows that differ.</source>
        <translation>选择状态为“不一致”的表，即可查看不同的行。</translation>
    </message>
    <message>
        <source>%1: %2</source>
        <translation>%1：%2</translation>
    </message>
    <message>
        <source>%1 matches its provider: nothing differs.</source>
        <translation>%1 与其提供者一致：没有任何不同。</translation>
    </message>
    <message>
        <source>Rows of %1 that differ: %2 (key %3). Select one to see both sides.</source>
        <translation>%1 中不同的行：%2 行（键 %3）。选择一行即可查看两侧的值。</translation>
    </message>
    <message>
        <source>More rows differ than are listed: the counts are lower bounds, and the table is best copied again (ferry CONFIG.ini resync TABLE).</source>
        <translation>不同的行多于列出的行：这些计数只是下限，最好重新复制该表（ferry CONFIG.ini resync TABLE）。</translation>
    </message>
    <message>
        <source>%1: the checksums differ, but no row differed when checked again; compare it once more.</source>
        <translation>%1：校验和不同，但重新检查时没有发现不同的行；请再比较一次。</translation>
    </message>
    <message>
        <source>(not read)</source>
        <translation>（未读取）</translation>
    </message>
    <message>
        <source>More rows differ than are listed; their values are not read.</source>
        <translation>不同的行多于列出的行；未读取它们的值。</translation>
    </message>
    <message>
        <source>%1 (key)</source>
        <translation>%1（键）</translation>
    </message>
    <message>
        <source>no row on the provider</source>
        <translation>提供者上没有该行</translation>
    </message>
    <message>
        <source>no row on the node</source>
        <translation>节点上没有该行</translation>
    </message>
    <message>
        <source>This column differs between the provider and the node.</source>
        <translation>此列在提供者和节点上的值不同。</translation>
    </message>
    <message>
        <source>Difference</source>
        <translation>差异</translation>
    </message>
    <message>
        <source>Key</source>
        <translation>键</translation>
    </message>
    <message>
        <source>Differing columns</source>
        <translation>不同的列</translation>
    </message>
    <message>
        <source>Column</source>
        <translation>列</translation>
    </message>
    <message>
        <source>Provider</source>
        <translation>提供者</translation>
    </message>
    <message>
        <source>Node</source>
        <translation>节点</translation>
    </message>
</context>
<context>
    <name>ferry::gui::CompareReportWriter</name>
    <message>
        <source>Node</source>
        <translation>节点</translation>
    </message>
    <message>
        <source>Table</source>
        <translation>表</translation>
    </message>
    <message>
        <source>Destination</source>
        <translation>目标表</translation>
    </message>
    <message>
        <source>Condition</source>
        <translation>行条件</translation>
    </message>
    <message>
        <source>Status</source>
        <translation>状态</translation>
    </message>
    <message>
        <source>Provider rows</source>
        <translation>提供者行数</translation>
    </message>
    <message>
        <source>Node rows</source>
        <translation>节点行数</translation>
    </message>
    <message>
        <source>Provider checksum</source>
        <translation>提供者校验和</translation>
    </message>
    <message>
        <source>Node checksum</source>
        <translation>节点校验和</translation>
    </message>
    <message>
        <source>Missing</source>
        <translation>缺失</translation>
    </message>
    <message>
        <source>Extra</source>
        <translation>多余</translation>
    </message>
    <message>
        <source>Changed</source>
        <translation>已更改</translation>
    </message>
    <message>
        <source>Tick</source>
        <translation>Tick</translation>
    </message>
    <message>
        <source>Difference</source>
        <translation>差异</translation>
    </message>
    <message>
        <source>Key</source>
        <translation>键</translation>
    </message>
    <message>
        <source>Column</source>
        <translation>列</translation>
    </message>
    <message>
        <source>Provider value</source>
        <translation>提供者的值</translation>
    </message>
    <message>
        <source>Node value</source>
        <translation>节点的值</translation>
    </message>
    <message>
        <source>Ferry compare report: node %1</source>
        <translation>Ferry 比较报告：节点 %1</translation>
    </message>
    <message>
        <source>Node %1 compared with its provider %2 (queue %3), %4.</source>
        <translation>节点 %1 已与其提供者 %2 比较（队列 %3），时间：%4。</translation>
    </message>
    <message>
        <source>Rows of %1 that differ</source>
        <translation>%1 中不同的行</translation>
    </message>
    <message>
        <source>Provider</source>
        <translation>提供者</translation>
    </message>
</context>
<context>
    <name>ferry::gui::CompareRunner</name>
    <message>
        <source>%1 is the root of queue %2 and has no provider to compare with: choose one of its leaves</source>
        <translation>%1 是队列 %2 的根节点，没有可与之比较的提供者：请选择它的一个叶子节点</translation>
    </message>
    <message>
        <source>canceled</source>
        <translation>已取消</translation>
    </message>
    <message>
        <source>the run stopped at the error of %1</source>
        <translation>本次比较因 %1 出错而停止</translation>
    </message>
    <message>
        <source>node %1 no longer replicates this table</source>
        <translation>节点 %1 已不再复制此表</translation>
    </message>
    <message>
        <source>node %1 no longer replicates %2</source>
        <translation>节点 %1 已不再复制 %2</translation>
    </message>
</context>
<context>
    <name>ferry::gui::CompareTablePicker</name>
    <message>
        <source>%1 (this config&apos;s node)</source>
        <translation>%1（当前配置所属的节点）</translation>
    </message>
    <message>
        <source>no node to compare is chosen</source>
        <translation>未选择要比较的节点</translation>
    </message>
    <message>
        <source>the location of node %1 is not known</source>
        <translation>节点 %1 的位置未知</translation>
    </message>
    <message>
        <source>Not in sync yet: compared once it is ok.</source>
        <translation>尚未同步：状态变为“正常”后才能比较。</translation>
    </message>
    <message>
        <source>Open a config to compare its node&apos;s tables with the provider&apos;s.</source>
        <translation>打开一个配置，即可将其节点的表与提供者的表进行比较。</translation>
    </message>
    <message>
        <source>This cascade has no leaf to compare: the root has no provider.</source>
        <translation>该级联中没有可比较的叶子节点：根节点没有提供者。</translation>
    </message>
    <message>
        <source>Reading the node&apos;s tables…</source>
        <translation>正在读取节点的表…</translation>
    </message>
    <message>
        <source>The node&apos;s tables are read when this page is shown.</source>
        <translation>显示此页面时才会读取节点的表。</translation>
    </message>
    <message>
        <source>Cannot read the node&apos;s tables: %1</source>
        <translation>无法读取节点的表：%1</translation>
    </message>
    <message>
        <source>This node replicates no table yet (ferry CONFIG.ini add-table).</source>
        <translation>该节点尚未复制任何表（ferry CONFIG.ini add-table）。</translation>
    </message>
    <message>
        <source>&amp;Node:</source>
        <translation>节点(&amp;N)：</translation>
    </message>
    <message>
        <source>The node whose tables are compared with its provider&apos;s: this config&apos;s node or another leaf of the cascade (its password comes from .pgpass)</source>
        <translation>要将其表与提供者的表进行比较的节点：当前配置所属的节点，或级联中的其他叶子节点（其密码取自 .pgpass）</translation>
    </message>
    <message>
        <source>Wai&amp;t for the node up to</source>
        <translation>等待节点最多(&amp;T)</translation>
    </message>
    <message>
        <source> s</source>
        <translation> 秒</translation>
    </message>
    <message>
        <source>How long compare waits for the node to apply the provider&apos;s latest tick before it says the node lags (nothing is compared then)</source>
        <translation>compare 等待节点应用提供者最新 tick 的最长时间，超过后即报告节点延迟（此时不比较任何内容）</translation>
    </message>
    <message>
        <source>&amp;All tables</source>
        <translation>所有表(&amp;A)</translation>
    </message>
    <message>
        <source>Reload</source>
        <translation>重新加载</translation>
    </message>
    <message>
        <source>Read the node&apos;s tables again</source>
        <translation>重新读取节点的表</translation>
    </message>
    <message>
        <source>Table</source>
        <translation>表</translation>
    </message>
    <message>
        <source>State</source>
        <translation>状态</translation>
    </message>
    <message>
        <source>Destination</source>
        <translation>目标表</translation>
    </message>
    <message>
        <source>Row condition</source>
        <translation>行条件</translation>
    </message>
</context>
<context>
    <name>ferry::gui::CompareText</name>
    <message>
        <source>%1 → %2</source>
        <translation>%1 → %2</translation>
    </message>
    <message>
        <source>%1 where %2</source>
        <translation>%1，条件 %2</translation>
    </message>
    <message>
        <source>waiting for the node to apply the provider&apos;s latest tick</source>
        <translation>正在等待节点应用提供者的最新 tick</translation>
    </message>
    <message>
        <source>counting and checksumming both sides</source>
        <translation>正在统计两侧的行数并计算校验和</translation>
    </message>
    <message>
        <source>narrowing down to the rows that differ</source>
        <translation>正在缩小范围，定位不同的行</translation>
    </message>
    <message>
        <source>checking the differing rows again</source>
        <translation>正在重新检查不同的行</translation>
    </message>
    <message>
        <source>ok</source>
        <translation>正常</translation>
    </message>
    <message>
        <source>MISMATCH</source>
        <translation>不一致</translation>
    </message>
    <message>
        <source>waiting</source>
        <translation>等待中</translation>
    </message>
    <message>
        <source>%1…</source>
        <translation>%1…</translation>
    </message>
    <message>
        <source>failed: %1</source>
        <translation>失败：%1</translation>
    </message>
    <message>
        <source>not compared: %1</source>
        <translation>未比较：%1</translation>
    </message>
    <message>
        <source>MISMATCH (more than listed)</source>
        <translation>不一致（不同的行多于列出的行）</translation>
    </message>
    <message numerus="yes">
        <source>ok (%n row(s) were changes on their way)</source>
        <translation>
            <numerusform>正常（%n 行的差异是尚在传递途中的变更）</numerusform>
        </translation>
    </message>
    <message>
        <source>missing on the node</source>
        <translation>节点上缺失</translation>
    </message>
    <message>
        <source>extra on the node</source>
        <translation>节点上多余</translation>
    </message>
    <message>
        <source>changed</source>
        <translation>已更改</translation>
    </message>
</context>
<context>
    <name>ferry::gui::CompareView</name>
    <message>
        <source>Cannot compare: %1</source>
        <translation>无法比较：%1</translation>
    </message>
    <message>
        <source>Canceling…</source>
        <translation>正在取消…</translation>
    </message>
    <message>
        <source>Cannot compare on %1: %2</source>
        <translation>无法在 %1 上比较：%2</translation>
    </message>
    <message>
        <source>see the error above</source>
        <translation>见上方的错误</translation>
    </message>
    <message numerus="yes">
        <source>Canceled at %1: %2 of %n table(s) compared.</source>
        <translation>
            <numerusform>已于 %1 取消：已比较 %2 个表（共 %n 个）。</numerusform>
        </translation>
    </message>
    <message>
        <source>Node %1 compared with %2 at %3: %4 ok, %5 MISMATCH, %6 not compared.</source>
        <translation>节点 %1 已于 %3 与 %2 比较：%4 个正常，%5 个不一致，%6 个未比较。</translation>
    </message>
    <message>
        <source>Reading what the repair of %1 would change (a dry run: nothing is written)…</source>
        <translation>正在读取修复 %1 将做出的更改（试运行：不写入任何内容）…</translation>
    </message>
    <message>
        <source>the table is gone from the results</source>
        <translation>该表已不在结果中</translation>
    </message>
    <message>
        <source>Not repaired: %1</source>
        <translation>未修复：%1</translation>
    </message>
    <message>
        <source>Cannot Repair</source>
        <translation>无法修复</translation>
    </message>
    <message>
        <source>Nothing was written to node %1.</source>
        <translation>未向节点 %1 写入任何内容。</translation>
    </message>
    <message>
        <source>%1 was not repaired: %2</source>
        <translation>%1 未修复：%2</translation>
    </message>
    <message>
        <source>Nothing to repair in %1: it matches its provider now.</source>
        <translation>%1 无需修复：它现在与提供者一致。</translation>
    </message>
    <message>
        <source>Waiting for your answer: repair %1?</source>
        <translation>等待您的确认：是否修复 %1？</translation>
    </message>
    <message>
        <source>The repair of %1 was canceled: nothing was written.</source>
        <translation>已取消修复 %1：未写入任何内容。</translation>
    </message>
    <message>
        <source>Repairing %1…</source>
        <translation>正在修复 %1…</translation>
    </message>
    <message>
        <source>Repair Failed</source>
        <translation>修复失败</translation>
    </message>
    <message>
        <source>Node %1&apos;s table was not changed: its transaction was rolled back.</source>
        <translation>节点 %1 的表未被更改：其事务已回滚。</translation>
    </message>
    <message>
        <source>Repaired %1 on %2: inserted %3, updated %4, deleted %5 row(s); compared again: %6.</source>
        <translation>已在 %2 上修复 %1：插入 %3 行，更新 %4 行，删除 %5 行；重新比较的结果：%6。</translation>
    </message>
    <message>
        <source>Table %1 of %2, %3: %4</source>
        <translation>第 %1 个表（共 %2 个），%3：%4</translation>
    </message>
    <message>
        <source>Connecting to the node and its provider…</source>
        <translation>正在连接节点及其提供者…</translation>
    </message>
    <message>
        <source>· %L1 rows checksummed so far</source>
        <translation>· 已计算 %L1 行的校验和</translation>
    </message>
    <message>
        <source>Choose the node and its tables, then press Compare. Each table is compared with the provider&apos;s at a synced point, the node&apos;s mapping and row condition applied.</source>
        <translation>选择节点及其表，然后点击“比较”。每个表都会在同步点上与提供者的表进行比较，并应用该节点的映射和行条件。</translation>
    </message>
    <message>
        <source>More rows differ than compare lists: copy the table again instead (ferry CONFIG.ini resync TABLE).</source>
        <translation>不同的行多于 compare 列出的行：请改为重新复制该表（ferry CONFIG.ini resync TABLE）。</translation>
    </message>
    <message>
        <source>Show the SQL that makes the selected table equal to the provider&apos;s, and run it once you confirm.</source>
        <translation>显示使所选表与提供者的表一致的 SQL，并在您确认后执行。</translation>
    </message>
    <message>
        <source>CSV (*.csv)</source>
        <translation>CSV 文件 (*.csv)</translation>
    </message>
    <message>
        <source>HTML page (*.html)</source>
        <translation>HTML 网页 (*.html)</translation>
    </message>
    <message>
        <source>Export Compare Report</source>
        <translation>导出比较报告</translation>
    </message>
    <message>
        <source>compare-%1.csv</source>
        <translation>compare-%1.csv</translation>
    </message>
    <message>
        <source>Cannot Export</source>
        <translation>无法导出</translation>
    </message>
    <message>
        <source>The report was not saved.</source>
        <translation>报告未保存。</translation>
    </message>
    <message>
        <source>Report saved to %1.</source>
        <translation>报告已保存到 %1。</translation>
    </message>
    <message>
        <source>&amp;Compare</source>
        <translation>比较(&amp;C)</translation>
    </message>
    <message>
        <source>Compare the checked tables with the provider&apos;s</source>
        <translation>将勾选的表与提供者的表进行比较</translation>
    </message>
    <message>
        <source>Cancel</source>
        <translation>取消</translation>
    </message>
    <message>
        <source>Stop the comparison now; its queries are canceled on both servers</source>
        <translation>立即停止比较；两台服务器上的查询都会被取消</translation>
    </message>
    <message>
        <source>&amp;Repair…</source>
        <translation>修复(&amp;R)…</translation>
    </message>
    <message>
        <source>&amp;Export…</source>
        <translation>导出(&amp;E)…</translation>
    </message>
    <message>
        <source>Save the results and the rows that differ as CSV or HTML</source>
        <translation>将结果和不同的行保存为 CSV 或 HTML</translation>
    </message>
    <message>
        <source>Table</source>
        <translation>表</translation>
    </message>
    <message>
        <source>Provider rows</source>
        <translation>提供者行数</translation>
    </message>
    <message>
        <source>Node rows</source>
        <translation>节点行数</translation>
    </message>
    <message>
        <source>Provider checksum</source>
        <translation>提供者校验和</translation>
    </message>
    <message>
        <source>Node checksum</source>
        <translation>节点校验和</translation>
    </message>
    <message>
        <source>Status</source>
        <translation>状态</translation>
    </message>
    <message>
        <source>Missing</source>
        <translation>缺失</translation>
    </message>
    <message>
        <source>Extra</source>
        <translation>多余</translation>
    </message>
    <message>
        <source>Changed</source>
        <translation>已更改</translation>
    </message>
    <message>
        <source>Rows the provider has and the node lacks</source>
        <translation>提供者有而节点没有的行</translation>
    </message>
    <message>
        <source>Rows the node has and the provider lacks</source>
        <translation>节点有而提供者没有的行</translation>
    </message>
    <message>
        <source>Rows both have, with other values on the node</source>
        <translation>两侧都有、但节点上的值不同的行</translation>
    </message>
</context>
<context>
    <name>ferry::gui::ConnectAdvice</name>
    <message>
        <source>The server asks for a password: enter it in Password, or keep it in ~/.pgpass.</source>
        <translation>服务器要求提供密码：请在“密码”中输入，或将其保存在 ~/.pgpass 中。</translation>
    </message>
    <message>
        <source>The server refused the password: check the password and the user.</source>
        <translation>服务器拒绝了该密码：请检查密码和用户。</translation>
    </message>
    <message>
        <source>The server checks the operating system user: connect over TCP (host 127.0.0.1) with a password, or as the user of that name.</source>
        <translation>服务器会核对操作系统用户：请通过 TCP（主机 127.0.0.1）使用密码连接，或以与该数据库用户同名的操作系统用户身份连接。</translation>
    </message>
    <message>
        <source>The server refused the login: check the user and its password or certificate.</source>
        <translation>服务器拒绝了登录：请检查用户及其密码或证书。</translation>
    </message>
    <message>
        <source>This role may not log in: ask the server&apos;s DBA to allow it (ALTER ROLE … LOGIN), or use another role.</source>
        <translation>该角色不允许登录：请让服务器的 DBA 允许其登录（ALTER ROLE … LOGIN），或使用其他角色。</translation>
    </message>
    <message>
        <source>No server answers at this host and port: check them, and that the server runs and listens there.</source>
        <translation>该主机和端口上没有服务器响应：请检查主机和端口，并确认服务器正在运行且在该处监听。</translation>
    </message>
    <message>
        <source>The host name is unknown: check the host.</source>
        <translation>主机名未知：请检查主机。</translation>
    </message>
    <message>
        <source>The server did not answer in time: check the host and port, that the server runs, and that no firewall drops the connection.</source>
        <translation>服务器未及时响应：请检查主机和端口，确认服务器正在运行，并且没有防火墙丢弃该连接。</translation>
    </message>
    <message>
        <source>The database does not exist on this server: check its name.</source>
        <translation>该服务器上不存在此数据库：请检查数据库名。</translation>
    </message>
    <message>
        <source>The user does not exist on this server: check the user name.</source>
        <translation>该服务器上不存在此用户：请检查用户名。</translation>
    </message>
    <message>
        <source>SSL did not work out: choose the SSL mode the server offers (disable or prefer without SSL; verify-ca and verify-full need its root certificate).</source>
        <translation>SSL 连接未能建立：请选择服务器支持的 SSL 模式（不使用 SSL 时选 disable 或 prefer；verify-ca 和 verify-full 需要服务器的根证书）。</translation>
    </message>
    <message>
        <source>The server does not let this host, user and database in: ask its DBA to add a pg_hba.conf line for them (or choose SSL mode require if it takes SSL connections only).</source>
        <translation>服务器不允许此主机、用户和数据库的组合连接：请让服务器的 DBA 在 pg_hba.conf 中为它们添加一行（如果服务器只接受 SSL 连接，则选择 SSL 模式 require）。</translation>
    </message>
</context>
<context>
    <name>ferry::gui::ConnectionPage</name>
    <message>
        <source>Connection</source>
        <translation>连接</translation>
    </message>
    <message>
        <source>The database of the new leaf, and the role its worker logs in as.</source>
        <translation>新叶子节点的数据库，以及其工作进程登录时使用的角色。</translation>
    </message>
    <message>
        <source>The database of the new root, and the role its worker logs in as.</source>
        <translation>新根节点的数据库，以及其工作进程登录时使用的角色。</translation>
    </message>
    <message>
        <source>A saved connection profile, or a new connection entered below.</source>
        <translation>已保存的连接配置，或在下方输入的新连接。</translation>
    </message>
    <message>
        <source>local Unix socket</source>
        <translation>本地 Unix 套接字</translation>
    </message>
    <message>
        <source>Host name or address of the PostgreSQL server; empty: the local Unix socket.</source>
        <translation>PostgreSQL 服务器的主机名或地址；留空：使用本地 Unix 套接字。</translation>
    </message>
    <message>
        <source>The server&apos;s port.</source>
        <translation>服务器的端口。</translation>
    </message>
    <message>
        <source>The database that becomes the node.</source>
        <translation>将成为该节点的数据库。</translation>
    </message>
    <message>
        <source>The role the node&apos;s worker logs in as.</source>
        <translation>节点的工作进程登录时使用的角色。</translation>
    </message>
    <message>
        <source>none, or from ~/.pgpass</source>
        <translation>无，或从 ~/.pgpass 读取</translation>
    </message>
    <message>
        <source>Used by this window only: the config file never holds it. Keep it in ~/.pgpass or the keychain (Save as profile) for the worker.</source>
        <translation>仅供此窗口使用：配置文件中从不保存密码。如需供工作进程使用，请将其保存在 ~/.pgpass 或密钥环中（保存为连接配置）。</translation>
    </message>
    <message>
        <source>Whether and how the connection uses SSL (libpq&apos;s sslmode).</source>
        <translation>连接是否以及如何使用 SSL（libpq 的 sslmode）。</translation>
    </message>
    <message>
        <source>Sa&amp;ve as a connection profile</source>
        <translation>保存为连接配置(&amp;V)</translation>
    </message>
    <message>
        <source>Keeps this connection under File &gt; Connection Profiles once the node is made; nothing is saved if you cancel.</source>
        <translation>创建节点后，将此连接保存到“文件 &gt; 连接配置”中；如果取消，则不保存任何内容。</translation>
    </message>
    <message>
        <source>The profile&apos;s name in the list of profiles.</source>
        <translation>该连接配置在连接配置列表中的名称。</translation>
    </message>
    <message>
        <source>~/.pgpass (read by libpq, also by ferry on servers)</source>
        <translation>~/.pgpass（由 libpq 读取，服务器上的 ferry 也会读取）</translation>
    </message>
    <message>
        <source>System keychain</source>
        <translation>系统密钥环</translation>
    </message>
    <message>
        <source>Do not keep it</source>
        <translation>不保存</translation>
    </message>
    <message>
        <source>Where the profile&apos;s password is kept: never in the profile or the config file.</source>
        <translation>连接配置的密码保存位置：绝不会保存在连接配置或配置文件中。</translation>
    </message>
    <message>
        <source>&amp;Test Connection</source>
        <translation>测试连接(&amp;T)</translation>
    </message>
    <message>
        <source>Connects with the values above, off the window&apos;s thread.</source>
        <translation>使用上面的值进行连接（不在窗口线程中进行）。</translation>
    </message>
    <message>
        <source>Press Test Connection to go on.</source>
        <translation>请点击“测试连接”以继续。</translation>
    </message>
    <message>
        <source>Create makes the database (CREATE DATABASE, as this role) before the node, and drops it again if the node cannot be made.</source>
        <translation>“创建”会在创建节点之前先创建该数据库（以此角色执行 CREATE DATABASE）；如果无法创建节点，则会再次删除该数据库。</translation>
    </message>
    <message>
        <source>&amp;Profile:</source>
        <translation>连接配置(&amp;P)：</translation>
    </message>
    <message>
        <source>&amp;Host:</source>
        <translation>主机(&amp;H)：</translation>
    </message>
    <message>
        <source>P&amp;ort:</source>
        <translation>端口(&amp;O)：</translation>
    </message>
    <message>
        <source>&amp;Database:</source>
        <translation>数据库(&amp;D)：</translation>
    </message>
    <message>
        <source>&amp;User:</source>
        <translation>用户(&amp;U)：</translation>
    </message>
    <message>
        <source>Pass&amp;word:</source>
        <translation>密码(&amp;W)：</translation>
    </message>
    <message>
        <source>SS&amp;L mode:</source>
        <translation>SSL 模式(&amp;L)：</translation>
    </message>
    <message>
        <source>Profile na&amp;me:</source>
        <translation>连接配置名称(&amp;M)：</translation>
    </message>
    <message>
        <source>&amp;Keep password in:</source>
        <translation>密码保存在(&amp;K)：</translation>
    </message>
    <message>
        <source>New connection</source>
        <translation>新连接</translation>
    </message>
    <message>
        <source>System keychain (not available here)</source>
        <translation>系统密钥环（此处不可用）</translation>
    </message>
    <message>
        <source>Enter a name for the profile, or untick Save as a connection profile.</source>
        <translation>请为该连接配置输入名称，或取消勾选“保存为连接配置”。</translation>
    </message>
    <message>
        <source>A profile named %1 exists already: choose another name.</source>
        <translation>名为 %1 的连接配置已存在：请选择其他名称。</translation>
    </message>
    <message>
        <source>Reading the password of %1 from the keychain…</source>
        <translation>正在从密钥环读取 %1 的密码…</translation>
    </message>
    <message>
        <source>The keychain did not give the password (%1): type it above.</source>
        <translation>密钥环未提供密码（%1）：请在上方输入。</translation>
    </message>
    <message>
        <source>Enter the database&apos;s name first.</source>
        <translation>请先输入数据库名。</translation>
    </message>
    <message>
        <source>Connecting to %1…</source>
        <translation>正在连接 %1…</translation>
    </message>
    <message>
        <source>Database %1 does not exist on this server.</source>
        <translation>该服务器上不存在数据库 %1。</translation>
    </message>
    <message>
        <source>&amp;Create database %1 when I press Create</source>
        <translation>点击“创建”时创建数据库 %1(&amp;C)</translation>
    </message>
    <message>
        <source>Failed: %1</source>
        <translation>失败：%1</translation>
    </message>
    <message>
        <source>Connected: %1.</source>
        <translation>已连接：%1。</translation>
    </message>
    <message>
        <source>Connected: %1. Ferry queues here: %2.</source>
        <translation>已连接：%1。此数据库中的 Ferry 队列：%2。</translation>
    </message>
</context>
<context>
    <name>ferry::gui::CopyRateTracker</name>
    <message>
        <source>%1k</source>
        <comment>thousand rows</comment>
        <translation>%1千</translation>
    </message>
    <message>
        <source>%1M</source>
        <comment>million rows</comment>
        <translation>%1百万</translation>
    </message>
    <message>
        <source>%1B</source>
        <comment>billion rows</comment>
        <translation>%1十亿</translation>
    </message>
    <message>
        <source>about %1 s left</source>
        <translation>约剩 %1 秒</translation>
    </message>
    <message>
        <source>about %1 min left</source>
        <translation>约剩 %1 分钟</translation>
    </message>
    <message>
        <source>about %1 h %2 min left</source>
        <translation>约剩 %1 小时 %2 分钟</translation>
    </message>
    <message>
        <source>copying</source>
        <translation>复制中</translation>
    </message>
    <message>
        <source>%1% · %2</source>
        <translation>%1% · %2</translation>
    </message>
    <message>
        <source>%1%</source>
        <translation>%1%</translation>
    </message>
    <message>
        <source>%1 of %2</source>
        <translation>%1 / %2</translation>
    </message>
    <message>
        <source>copying: %1 rows so far</source>
        <translation>复制中：已复制 %1 行</translation>
    </message>
    <message>
        <source>%1% · %2 of %3 rows</source>
        <translation>%1% · %2 / %3 行</translation>
    </message>
</context>
<context>
    <name>ferry::gui::EditEventDialog</name>
    <message>
        <source>%1 on %2</source>
        <translation>%2 上的 %1</translation>
    </message>
    <message>
        <source> · key %1</source>
        <translation> · 键 %1</translation>
    </message>
    <message>
        <source>Row: %1</source>
        <translation>行：%1</translation>
    </message>
    <message>
        <source>Edit and Apply Event %1 on %2</source>
        <translation>在 %2 上编辑并应用事件 %1</translation>
    </message>
    <message>
        <source>Event %1 on node %2</source>
        <translation>节点 %2 上的事件 %1</translation>
    </message>
    <message>
        <source>The SQL below runs on node %1 in place of this event, in the same transaction as the rest of its batch. It starts as the statements Ferry runs for the event; change it as the node needs. If it fails, the node stops at this event again.</source>
        <translation>下面的 SQL 将在节点 %1 上代替此事件运行，与其批次中的其余部分处于同一事务中。其初始内容是 Ferry 为该事件运行的语句；请根据节点的需要进行修改。如果运行失败，节点会再次停在此事件处。</translation>
    </message>
    <message>
        <source>-- Ferry runs no row statement for this event (%1): write the SQL to apply in its place.
</source>
        <translation>-- Ferry 不会为此事件（%1）运行行语句：请编写要代替它应用的 SQL。
</translation>
    </message>
    <message>
        <source>&amp;Apply in Its Place…</source>
        <translation>代替该事件应用(&amp;A)…</translation>
    </message>
</context>
<context>
    <name>ferry::gui::EmptyStateWidget</name>
    <message>
        <source>Welcome to Ferry</source>
        <translation>欢迎使用 Ferry</translation>
    </message>
    <message>
        <source>Ferry replicates PostgreSQL tables through a queue: triggers on the source tables record every change, and workers apply the changes to the other nodes in the order they happened.</source>
        <translation>Ferry 通过队列复制 PostgreSQL 表：源表上的触发器记录每一次变更，工作进程按照变更发生的顺序把它们应用到其他节点。</translation>
    </message>
    <message>
        <source>Open Config…</source>
        <translation>打开配置…</translation>
    </message>
    <message>
        <source>Open a Ferry job&apos;s CONFIG.ini and watch its cascade live</source>
        <translation>打开 Ferry 作业的 CONFIG.ini，实时查看其级联</translation>
    </message>
    <message>
        <source>Open the CONFIG.ini of a root or leaf node, or a saved connection profile (File &gt; Connection Profiles), to watch its cascade live: the state, lag and tables of every node, the worker&apos;s log, the lag chart and the errors the workers stored.</source>
        <translation>打开根节点或叶子节点的 CONFIG.ini，或已保存的连接配置（文件 &gt; 连接配置），即可实时查看其级联：每个节点的状态、延迟和表、工作进程的日志、延迟图表以及工作进程记录的错误。</translation>
    </message>
</context>
<context>
    <name>ferry::gui::ErrorLogView</name>
    <message>
        <source>initial copy</source>
        <translation>初始复制</translation>
    </message>
    <message>
        <source>batch %1 (ticks %2–%3)</source>
        <translation>批次 %1（tick %2–%3）</translation>
    </message>
    <message>
        <source>batch %1</source>
        <translation>批次 %1</translation>
    </message>
    <message>
        <source>event %1</source>
        <translation>事件 %1</translation>
    </message>
    <message>
        <source>Read %1</source>
        <translation>读取于 %1</translation>
    </message>
    <message>
        <source>Not every node&apos;s log could be read: %1</source>
        <translation>部分节点的错误日志无法读取：%1</translation>
    </message>
    <message>
        <source>First seen %1, last seen %2</source>
        <translation>首次出现于 %1，最后出现于 %2</translation>
    </message>
    <message>
        <source>resolved %1</source>
        <translation>已于 %1 解决</translation>
    </message>
    <message>
        <source>open</source>
        <translation>未解决</translation>
    </message>
    <message numerus="yes">
        <source>Errors stored by the workers: %n open</source>
        <translation>
            <numerusform>工作进程记录的错误：%n 个未解决</numerusform>
        </translation>
    </message>
    <message>
        <source>No worker of this cascade has stored an error.</source>
        <translation>该级联中的工作进程尚未记录任何错误。</translation>
    </message>
    <message>
        <source>Node %1 · %2</source>
        <translation>节点 %1 · %2</translation>
    </message>
    <message>
        <source> · SQLSTATE %1</source>
        <translation> · SQLSTATE %1</translation>
    </message>
    <message>
        <source>Show resolved</source>
        <translation>显示已解决</translation>
    </message>
    <message>
        <source>Refresh</source>
        <translation>刷新</translation>
    </message>
    <message>
        <source>Last seen</source>
        <translation>最后出现</translation>
    </message>
    <message>
        <source>Node</source>
        <translation>节点</translation>
    </message>
    <message>
        <source>Where</source>
        <translation>出错位置</translation>
    </message>
    <message>
        <source>Attempts</source>
        <translation>尝试次数</translation>
    </message>
    <message>
        <source>State</source>
        <translation>状态</translation>
    </message>
    <message>
        <source>Message</source>
        <translation>消息</translation>
    </message>
    <message>
        <source>Errors stored by the workers</source>
        <translation>工作进程记录的错误</translation>
    </message>
    <message>
        <source>Read failed %1</source>
        <translation>读取失败于 %1</translation>
    </message>
    <message numerus="yes">
        <source>Errors stored by this config&apos;s node: %n open</source>
        <translation>
            <numerusform>当前配置所属节点记录的错误：%n 个未解决</numerusform>
        </translation>
    </message>
    <message>
        <source>The cascade&apos;s status cannot be read: %1</source>
        <translation>无法读取级联的状态：%1</translation>
    </message>
    <message>
        <source>Open a config to see the errors its cascade&apos;s workers stored.</source>
        <translation>打开一个配置，即可查看其级联中工作进程记录的错误。</translation>
    </message>
    <message>
        <source>Reading the error log of every node…</source>
        <translation>正在读取所有节点的错误日志…</translation>
    </message>
    <message>
        <source>Waiting for the cascade&apos;s status, which names its nodes…</source>
        <translation>正在等待级联的状态（其中列出了各个节点）…</translation>
    </message>
    <message>
        <source>The error log is read when this page is shown.</source>
        <translation>显示此页面时才会读取错误日志。</translation>
    </message>
    <message>
        <source>Cannot read any node&apos;s error log, so whether there are errors is unknown. The reasons are above; fix them and press Refresh.</source>
        <translation>无法读取任何节点的错误日志，因此无法确定是否存在错误。原因见上方；请解决这些问题，然后点击“刷新”。</translation>
    </message>
    <message>
        <source>No errors stored on the %1 of %2 nodes that could be read; the others are named above.</source>
        <translation>在能够读取的 %1 个节点（共 %2 个）上没有记录错误；其余节点已在上方列出。</translation>
    </message>
    <message>
        <source>This config&apos;s own node has stored no error. The cascade&apos;s other nodes are read once its status can be.</source>
        <translation>当前配置所属的节点没有记录错误。能够读取级联状态后，才会读取级联中的其他节点。</translation>
    </message>
    <message numerus="yes">
        <source>No open errors; %n resolved hidden (Show resolved).</source>
        <translation>
            <numerusform>没有未解决的错误；已隐藏 %n 个已解决的错误（勾选“显示已解决”可查看）。</numerusform>
        </translation>
    </message>
    <message>
        <source>The worker of %1 retries by itself with back-off. Fix the cause named above on that node and it goes on; nothing is skipped meanwhile.</source>
        <translation>%1 的工作进程会以退避间隔自动重试。在该节点上解决上面指出的原因后，它就会继续；在此期间不会跳过任何内容。</translation>
    </message>
    <message>
        <source>Until it can, only this config&apos;s own node is tried.</source>
        <translation>在能够读取之前，只尝试读取此配置自身的节点。</translation>
    </message>
    <message>
        <source>No node&apos;s log could be read: %1</source>
        <translation>没有任何节点的错误日志能够读取：%1</translation>
    </message>
    <message>
        <source>Retry Now ends its wait; Skip Event leaves this event out on %1; Edit and Apply runs your SQL in its place.</source>
        <translation>“立即重试”会结束其等待；“跳过事件”会在 %1 上略过此事件；“编辑并应用”会运行您的 SQL 来代替它。</translation>
    </message>
    <message>
        <source>This error was %1.</source>
        <translation>此错误的处理情况：%1。</translation>
    </message>
    <message>
        <source>The worker got past this error by itself at %1.</source>
        <translation>工作进程已于 %1 自行从此错误中恢复。</translation>
    </message>
    <message>
        <source>the cascade&apos;s status no longer names node %1: press Refresh</source>
        <translation>级联的状态中已不再列出节点 %1：请点击“刷新”</translation>
    </message>
    <message>
        <source>Cannot reach node %1: %2</source>
        <translation>无法连接节点 %1：%2</translation>
    </message>
    <message>
        <source>Reading event %1 from the queue…</source>
        <translation>正在从队列读取事件 %1…</translation>
    </message>
    <message>
        <source>Asking node %1…</source>
        <translation>正在询问节点 %1…</translation>
    </message>
    <message>
        <source>Node %1: %2</source>
        <translation>节点 %1：%2</translation>
    </message>
    <message>
        <source>%1 on %2</source>
        <translation>%2 上的 %1</translation>
    </message>
    <message>
        <source> · key %1</source>
        <translation> · 键 %1</translation>
    </message>
    <message>
        <source>No worker runs for node %1: start it and it goes on from there.</source>
        <translation>节点 %1 没有正在运行的工作进程：启动后，它会从此处继续。</translation>
    </message>
    <message>
        <source>Asked the worker of node %1 to try again now.</source>
        <translation>已请求节点 %1 的工作进程立即重试。</translation>
    </message>
    <message>
        <source>No worker runs for node %1: start it.</source>
        <translation>节点 %1 没有正在运行的工作进程：请启动它。</translation>
    </message>
    <message>
        <source>Skipped event %1 (%2) on node %3.</source>
        <translation>已在节点 %3 上跳过事件 %1（%2）。</translation>
    </message>
    <message>
        <source>Event %1 (%2) on node %3 is replaced by your SQL.</source>
        <translation>节点 %3 上的事件 %1（%2）已由您的 SQL 代替。</translation>
    </message>
    <message>
        <source>Skip Event</source>
        <translation>跳过事件</translation>
    </message>
    <message>
        <source>Skip event %1 on node %2?</source>
        <translation>要在节点 %2 上跳过事件 %1 吗？</translation>
    </message>
    <message>
        <source>This change will not be applied on node %1. The rest of its batch and the events after it are applied; the root and the other nodes keep the change.</source>
        <translation>此变更将不会应用到节点 %1。其批次中的其余部分及之后的事件仍会应用；根节点和其他节点保留此变更。</translation>
    </message>
    <message>
        <source>&amp;Skip Event</source>
        <translation>跳过事件(&amp;S)</translation>
    </message>
    <message>
        <source>Nothing was skipped.</source>
        <translation>未跳过任何内容。</translation>
    </message>
    <message>
        <source>Nothing was applied.</source>
        <translation>未应用任何内容。</translation>
    </message>
    <message>
        <source>Edit and Apply</source>
        <translation>编辑并应用</translation>
    </message>
    <message>
        <source>Apply your SQL in place of event %1 on node %2?</source>
        <translation>要在节点 %2 上应用您的 SQL 来代替事件 %1 吗？</translation>
    </message>
    <message>
        <source>It runs instead of the event, in the same transaction as the rest of its batch; the event itself is not applied on node %1.</source>
        <translation>它代替该事件运行，与其批次中的其余部分处于同一事务中；该事件本身不会应用到节点 %1。</translation>
    </message>
    <message>
        <source>&amp;Apply</source>
        <translation>应用(&amp;A)</translation>
    </message>
    <message>
        <source>Retr&amp;y Now</source>
        <translation>立即重试(&amp;Y)</translation>
    </message>
    <message>
        <source>Ends the worker&apos;s back-off wait: it applies the batch again now, after you fixed the cause on the node</source>
        <translation>结束工作进程的退避等待：在您解决了节点上的问题后，让它立即重新应用该批次</translation>
    </message>
    <message>
        <source>S&amp;kip Event</source>
        <translation>跳过事件(&amp;K)</translation>
    </message>
    <message>
        <source>Leaves this one event out on this node, after showing it and asking; the rest of its batch is applied</source>
        <translation>先显示此事件并征得确认，然后在此节点上略过这一个事件；其批次中的其余部分仍会应用</translation>
    </message>
    <message>
        <source>E&amp;dit and Apply…</source>
        <translation>编辑并应用(&amp;D)…</translation>
    </message>
    <message>
        <source>Runs SQL you edit in place of this event, in the same transaction as the rest of its batch; starts from the SQL Ferry runs for it</source>
        <translation>运行您编辑的 SQL 来代替此事件，与其批次中的其余部分处于同一事务中；初始内容为 Ferry 为该事件运行的 SQL</translation>
    </message>
</context>
<context>
    <name>ferry::gui::ExecuteView</name>
    <message>
        <source>Scripts run on the root: this config&apos;s node %1 is a %2; open the root&apos;s config and run the script there.</source>
        <translation>脚本需在根节点上运行：此配置的节点 %1 是 %2 节点；请打开根节点的配置并在那里运行脚本。</translation>
    </message>
    <message>
        <source>File &amp;name:</source>
        <translation>文件名(&amp;N)：</translation>
    </message>
    <message>
        <source>The name the root records the script under; the same name and content again needs Run Again</source>
        <translation>根节点记录该脚本时使用的名称；再次运行名称和内容都相同的脚本需要使用“再次运行”</translation>
    </message>
    <message>
        <source>add_column.sql</source>
        <translation>add_column.sql</translation>
    </message>
    <message>
        <source>&amp;Open…</source>
        <translation>打开(&amp;O)…</translation>
    </message>
    <message>
        <source>Open a SQL script from a file</source>
        <translation>从文件打开 SQL 脚本</translation>
    </message>
    <message>
        <source>&amp;Save</source>
        <translation>保存(&amp;S)</translation>
    </message>
    <message>
        <source>Save the script to its file</source>
        <translation>将脚本保存到其文件</translation>
    </message>
    <message>
        <source>Save &amp;As…</source>
        <translation>另存为(&amp;A)…</translation>
    </message>
    <message>
        <source>Save the script to another file</source>
        <translation>将脚本保存到另一个文件</translation>
    </message>
    <message>
        <source>S&amp;QL script:</source>
        <translation>SQL 脚本(&amp;Q)：</translation>
    </message>
    <message>
        <source>The statements to run on the root and then, rewritten to each node&apos;s names, on every node</source>
        <translation>要先在根节点上运行、然后按各节点的名称改写后在每个节点上运行的语句</translation>
    </message>
    <message>
        <source>&amp;Preview</source>
        <translation>预览(&amp;P)</translation>
    </message>
    <message>
        <source>Show per node the statements as they will run there; nothing is run</source>
        <translation>按节点显示将在该节点上运行的语句；不会运行任何内容</translation>
    </message>
    <message>
        <source>Run on the &amp;Root…</source>
        <translation>在根节点上运行(&amp;R)…</translation>
    </message>
    <message>
        <source>Run the script on the root and queue it for every node, after asking</source>
        <translation>确认后在根节点上运行脚本，并将其排入队列供每个节点运行</translation>
    </message>
    <message>
        <source>Node</source>
        <translation>节点</translation>
    </message>
    <message>
        <source>State</source>
        <translation>状态</translation>
    </message>
    <message>
        <source>Statement or message</source>
        <translation>语句或消息</translation>
    </message>
    <message>
        <source>Per node: the statements as they will run there, or how far the script got</source>
        <translation>按节点显示：将在该节点上运行的语句，或脚本的执行进度</translation>
    </message>
    <message>
        <source>What the page did last</source>
        <translation>此页面最近执行的操作</translation>
    </message>
    <message>
        <source>Open a SQL file or write the script, then Preview to see how each node will run it.</source>
        <translation>打开 SQL 文件或编写脚本，然后点击“预览”查看每个节点将如何运行它。</translation>
    </message>
    <message>
        <source>Cannot open %1: %2</source>
        <translation>无法打开 %1：%2</translation>
    </message>
    <message>
        <source>Opened %1.</source>
        <translation>已打开 %1。</translation>
    </message>
    <message>
        <source>Saved %1.</source>
        <translation>已保存 %1。</translation>
    </message>
    <message>
        <source>Cannot save %1: %2; choose another file with Save As.</source>
        <translation>无法保存 %1：%2；请使用“另存为”选择其他文件。</translation>
    </message>
    <message>
        <source>Open SQL Script</source>
        <translation>打开 SQL 脚本</translation>
    </message>
    <message>
        <source>SQL scripts (*.sql);;All files (*)</source>
        <translation>SQL 脚本 (*.sql);;所有文件 (*)</translation>
    </message>
    <message>
        <source>Save SQL Script</source>
        <translation>保存 SQL 脚本</translation>
    </message>
    <message>
        <source>Reading every node&apos;s tables…</source>
        <translation>正在读取所有节点的表…</translation>
    </message>
    <message>
        <source>Cannot preview: %1</source>
        <translation>无法预览：%1</translation>
    </message>
    <message>
        <source>root</source>
        <translation>根节点</translation>
    </message>
    <message numerus="yes">
        <source>runs %n statement(s) as written first</source>
        <translation>
            <numerusform>首先按原样运行 %n 条语句</numerusform>
        </translation>
    </message>
    <message>
        <source>line %1</source>
        <translation>第 %1 行</translation>
    </message>
    <message>
        <source>runs</source>
        <translation>运行</translation>
    </message>
    <message>
        <source>unreachable</source>
        <translation>无法连接</translation>
    </message>
    <message>
        <source>error</source>
        <translation>错误</translation>
    </message>
    <message>
        <source>skipped</source>
        <translation>已跳过</translation>
    </message>
    <message>
        <source>ready</source>
        <translation>就绪</translation>
    </message>
    <message numerus="yes">
        <source>runs %1 of %n statement(s)</source>
        <translation>
            <numerusform>运行 %1 条语句（共 %n 条）</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>Preview of %1 on %n node(s): nothing was run.</source>
        <translation>
            <numerusform>%1 在 %n 个节点上的预览：未运行任何内容。</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>Preview of %1: %n node(s) cannot run it as it is (in red).</source>
        <translation>
            <numerusform>%1 的预览：有 %n 个节点无法按原样运行它（红色显示）。</numerusform>
        </translation>
    </message>
    <message>
        <source>Run Script Again</source>
        <translation>再次运行脚本</translation>
    </message>
    <message>
        <source>%1.</source>
        <translation>%1。</translation>
    </message>
    <message>
        <source>Run it on the root and on every node once more?</source>
        <translation>要在根节点和每个节点上再运行一次吗？</translation>
    </message>
    <message>
        <source>Run &amp;Again (--force)</source>
        <translation>再次运行（--force）(&amp;A)</translation>
    </message>
    <message>
        <source>Run Script on the Root</source>
        <translation>在根节点上运行脚本</translation>
    </message>
    <message>
        <source>Run %1 on the root and queue it for every node?</source>
        <translation>要在根节点上运行 %1 并将其排入队列供每个节点运行吗？</translation>
    </message>
    <message>
        <source>The root runs it now in one transaction; each node runs it, rewritten to its names, when its worker reaches it. Use Preview to see how first.</source>
        <translation>根节点会立即在一个事务中运行它；每个节点会在其工作进程处理到它时，按该节点的名称改写后运行。请先使用“预览”查看具体情况。</translation>
    </message>
    <message>
        <source>&amp;Run</source>
        <translation>运行(&amp;R)</translation>
    </message>
    <message>
        <source>Running %1 on the root…</source>
        <translation>正在根节点上运行 %1…</translation>
    </message>
    <message>
        <source>%1; run it again only if it is meant to run twice.</source>
        <translation>%1；仅当该脚本本就应运行两次时才再次运行它。</translation>
    </message>
    <message>
        <source>The root did not run the script: %1</source>
        <translation>根节点未运行该脚本：%1</translation>
    </message>
    <message>
        <source>Cannot read the nodes&apos; progress: %1</source>
        <translation>无法读取各节点的进度：%1</translation>
    </message>
    <message>
        <source>%1 stopped at the script: %2. Retry, skip or replace it there from the Errors page.</source>
        <translation>%1 在该脚本处停止：%2。请在“错误”页面上对该节点重试、跳过或替换它。</translation>
    </message>
    <message>
        <source>waiting</source>
        <translation>等待中</translation>
    </message>
    <message>
        <source>applied</source>
        <translation>已应用</translation>
    </message>
    <message>
        <source>replaced</source>
        <translation>已替换</translation>
    </message>
    <message>
        <source>failed</source>
        <translation>失败</translation>
    </message>
    <message>
        <source>ran %1 and queued it as event %2</source>
        <translation>已运行 %1，并将其作为事件 %2 排入队列</translation>
    </message>
    <message>
        <source>at %1: %2 statement(s) run, %3 skipped on this node</source>
        <translation>于 %1：在此节点上运行了 %2 条语句，跳过了 %3 条</translation>
    </message>
    <message>
        <source>at %1: skipped on this node by an operator (skip-event)</source>
        <translation>于 %1：已由操作员在此节点上跳过（skip-event）</translation>
    </message>
    <message>
        <source>at %1: other SQL ran on this node in its place (replace-event)</source>
        <translation>于 %1：已在此节点上改为运行其他 SQL（replace-event）</translation>
    </message>
    <message>
        <source>its worker has not reached the script yet</source>
        <translation>其工作进程尚未处理到该脚本</translation>
    </message>
    <message>
        <source>The root ran %1 (event %2); reading the nodes…</source>
        <translation>根节点已运行 %1（事件 %2）；正在读取各节点…</translation>
    </message>
    <message numerus="yes">
        <source>%1 (event %2): %3 of %n node(s) done, %4 failed; checking every second.</source>
        <translation>
            <numerusform>%1（事件 %2）：%n 个节点中已完成 %3 个，失败 %4 个；每秒检查一次。</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>%1 (event %2): %3 of %n node(s) done, %4 failed.</source>
        <translation>
            <numerusform>%1（事件 %2）：%n 个节点中已完成 %3 个，失败 %4 个。</numerusform>
        </translation>
    </message>
</context>
<context>
    <name>ferry::gui::LagChartWidget</name>
    <message>
        <source>%1 s</source>
        <translation>%1 秒</translation>
    </message>
    <message>
        <source>%1 min</source>
        <translation>%1 分钟</translation>
    </message>
    <message>
        <source>%1 h</source>
        <translation>%1 小时</translation>
    </message>
    <message>
        <source>%1 d</source>
        <translation>%1 天</translation>
    </message>
    <message>
        <source>The lag chart starts with the first status read of the cascade.</source>
        <translation>延迟图表从首次读取级联状态时开始记录。</translation>
    </message>
    <message>
        <source>No lag was measured in this time range. Choose a longer range to see older history.</source>
        <translation>此时间范围内没有延迟数据。选择更长的范围可查看更早的历史。</translation>
    </message>
    <message>
        <source>No lag history yet. Ferry records the lag of every node each time it reads the status of the cascade, and keeps it for %1 days.</source>
        <translation>尚无延迟历史。Ferry 每次读取级联状态时都会记录每个节点的延迟，并保留 %1 天。</translation>
    </message>
    <message>
        <source>Lag per node</source>
        <translation>各节点延迟</translation>
    </message>
    <message>
        <source>Last</source>
        <translation>最近</translation>
    </message>
    <message>
        <source>15 min</source>
        <translation>15 分钟</translation>
    </message>
    <message>
        <source>1 h</source>
        <translation>1 小时</translation>
    </message>
    <message>
        <source>24 h</source>
        <translation>24 小时</translation>
    </message>
    <message>
        <source>7 d</source>
        <translation>7 天</translation>
    </message>
    <message>
        <source>Show the last 15 minutes</source>
        <translation>显示最近 15 分钟</translation>
    </message>
    <message>
        <source>Show the last hour</source>
        <translation>显示最近 1 小时</translation>
    </message>
    <message>
        <source>Show the last 24 hours</source>
        <translation>显示最近 24 小时</translation>
    </message>
    <message>
        <source>Show the last 7 days</source>
        <translation>显示最近 7 天</translation>
    </message>
    <message>
        <source>Alert &amp;above</source>
        <translation>告警阈值(&amp;A)</translation>
    </message>
    <message>
        <source> s</source>
        <translation> 秒</translation>
    </message>
    <message>
        <source>%1 ms</source>
        <translation>%1 毫秒</translation>
    </message>
    <message>
        <source>Threshold of %1 (%2)</source>
        <translation>%1 的阈值（%2）</translation>
    </message>
    <message>
        <source>Threshold (%1)</source>
        <translation>阈值（%1）</translation>
    </message>
    <message>
        <source>threshold of %1: %2 (above)</source>
        <translation>%1 的阈值：%2（在图表上方）</translation>
    </message>
    <message>
        <source>threshold %1 (above)</source>
        <translation>阈值 %1（在图表上方）</translation>
    </message>
    <message>
        <source>no lag read</source>
        <translation>未读到延迟</translation>
    </message>
    <message>
        <source>%1: %2</source>
        <translation>%1：%2</translation>
    </message>
    <message>
        <source>A node lagging more than this is over the threshold: a warning in the cascade, a notification from the tray. A node&apos;s own threshold is set in its detail pane.</source>
        <translation>节点的延迟超过此值即为超过阈值：级联中会显示警告，托盘会发出通知。单个节点专用的阈值在该节点的详情面板中设置。</translation>
    </message>
</context>
<context>
    <name>ferry::gui::LagText</name>
    <message>
        <source>%1 ms</source>
        <translation>%1 毫秒</translation>
    </message>
    <message>
        <source>%1 s</source>
        <translation>%1 秒</translation>
    </message>
    <message>
        <source>%1 min %2 s</source>
        <translation>%1 分钟 %2 秒</translation>
    </message>
    <message>
        <source>%1 min</source>
        <translation>%1 分钟</translation>
    </message>
    <message>
        <source>%1 h %2 min</source>
        <translation>%1 小时 %2 分钟</translation>
    </message>
    <message>
        <source>%1 h</source>
        <translation>%1 小时</translation>
    </message>
    <message>
        <source>%1 d %2 h</source>
        <translation>%1 天 %2 小时</translation>
    </message>
    <message>
        <source>%1 d</source>
        <translation>%1 天</translation>
    </message>
    <message>
        <source>lag %1 over the %2 threshold</source>
        <translation>延迟 %1，超过 %2 的阈值</translation>
    </message>
</context>
<context>
    <name>ferry::gui::LoginAdvice</name>
    <message>
        <source>authentication failed</source>
        <translation>认证失败</translation>
    </message>
    <message>
        <source>authentication failed — fix the password (File &gt; Connection Profiles, the CONFIG.ini&apos;s db or .pgpass) and press Refresh</source>
        <translation>认证失败 — 请修正密码（文件 &gt; 连接配置、CONFIG.ini 中的 db 或 .pgpass），然后点击“刷新”</translation>
    </message>
    <message>
        <source>Fix the password (File &gt; Connection Profiles, the CONFIG.ini&apos;s db or .pgpass) and press Refresh; until then Ferry does not try to log in there again.</source>
        <translation>请修正密码（文件 &gt; 连接配置、CONFIG.ini 中的 db 或 .pgpass），然后点击“刷新”；在此之前，Ferry 不会再尝试登录该处。</translation>
    </message>
    <message>
        <source>authentication failed — %1 Then press Refresh.</source>
        <translation>认证失败 — %1然后点击“刷新”。</translation>
    </message>
    <message>
        <source>%1 (%2)</source>
        <translation>%1（%2）</translation>
    </message>
</context>
<context>
    <name>ferry::gui::MainWindow</name>
    <message>
        <source>&amp;File</source>
        <translation>文件(&amp;F)</translation>
    </message>
    <message>
        <source>&amp;Quit</source>
        <translation>退出(&amp;Q)</translation>
    </message>
    <message>
        <source>Close the window and quit Ferry</source>
        <translation>关闭窗口并退出 Ferry</translation>
    </message>
    <message>
        <source>&amp;Help</source>
        <translation>帮助(&amp;H)</translation>
    </message>
    <message>
        <source>&amp;About Ferry</source>
        <translation>关于 Ferry(&amp;A)</translation>
    </message>
    <message>
        <source>Show the version of Ferry</source>
        <translation>显示 Ferry 的版本</translation>
    </message>
    <message>
        <source>About &amp;Qt</source>
        <translation>关于 Qt(&amp;Q)</translation>
    </message>
    <message>
        <source>Show the version of Qt</source>
        <translation>显示 Qt 的版本</translation>
    </message>
    <message>
        <source>Not connected to any database</source>
        <translation>未连接任何数据库</translation>
    </message>
    <message>
        <source>About Ferry</source>
        <translation>关于 Ferry</translation>
    </message>
    <message>
        <source>Ferry %1</source>
        <translation>Ferry %1</translation>
    </message>
    <message>
        <source>Trigger-based, queue-based logical replication for PostgreSQL, in the tradition of PgQ and Londiste 3, with a desktop manager.</source>
        <translation>基于触发器和队列的 PostgreSQL 逻辑复制，沿袭 PgQ 与 Londiste 3 的传统，并附带桌面管理器。</translation>
    </message>
    <message>
        <source>&amp;Open Config…</source>
        <translation>打开配置(&amp;O)…</translation>
    </message>
    <message>
        <source>Open a Ferry job&apos;s CONFIG.ini and watch its cascade</source>
        <translation>打开 Ferry 作业的 CONFIG.ini 并查看其级联</translation>
    </message>
    <message>
        <source>Open &amp;Recent</source>
        <translation>最近打开(&amp;R)</translation>
    </message>
    <message>
        <source>&amp;Clear List</source>
        <translation>清除列表(&amp;C)</translation>
    </message>
    <message>
        <source>&amp;Close Config</source>
        <translation>关闭配置(&amp;C)</translation>
    </message>
    <message>
        <source>Stop watching the open config&apos;s cascade</source>
        <translation>停止查看当前配置的级联</translation>
    </message>
    <message>
        <source>&amp;View</source>
        <translation>视图(&amp;V)</translation>
    </message>
    <message>
        <source>&amp;Refresh Now</source>
        <translation>立即刷新(&amp;R)</translation>
    </message>
    <message>
        <source>Read the status of every node now</source>
        <translation>立即读取所有节点的状态</translation>
    </message>
    <message>
        <source>Open Ferry Config</source>
        <translation>打开 Ferry 配置</translation>
    </message>
    <message>
        <source>Ferry configs (*.ini);;All files (*)</source>
        <translation>Ferry 配置 (*.ini);;所有文件 (*)</translation>
    </message>
    <message>
        <source>Cannot Open Config</source>
        <translation>无法打开配置</translation>
    </message>
    <message>
        <source>Ferry cannot use %1.</source>
        <translation>Ferry 无法使用 %1。</translation>
    </message>
    <message>
        <source>Queue %1 on %2</source>
        <translation>队列 %1，位于 %2</translation>
    </message>
    <message>
        <source>Cascade</source>
        <translation>级联</translation>
    </message>
    <message>
        <source>Lag</source>
        <translation>延迟</translation>
    </message>
    <message>
        <source>Errors</source>
        <translation>错误</translation>
    </message>
    <message>
        <source>Connection &amp;Profiles…</source>
        <translation>连接配置(&amp;P)…</translation>
    </message>
    <message>
        <source>Add, test, import and open saved node connections</source>
        <translation>添加、测试、导入和打开已保存的节点连接</translation>
    </message>
    <message>
        <source>Reading the password of %1 from the keychain…</source>
        <translation>正在从密钥环读取 %1 的密码…</translation>
    </message>
    <message>
        <source>The last config, %1, is gone; it left the recent list.</source>
        <translation>上次打开的配置 %1 已不存在，已将其从最近打开列表中移除。</translation>
    </message>
    <message>
        <source>Compare</source>
        <translation>比较</translation>
    </message>
    <message>
        <source>Execute</source>
        <translation>执行</translation>
    </message>
    <message>
        <source>Repl&amp;ication</source>
        <translation>复制(&amp;I)</translation>
    </message>
    <message>
        <source>Main Toolbar</source>
        <translation>主工具栏</translation>
    </message>
    <message>
        <source>Open</source>
        <translation>打开</translation>
    </message>
    <message>
        <source>Refresh</source>
        <translation>刷新</translation>
    </message>
    <message>
        <source>Leaf created; its config is %1</source>
        <translation>已创建叶子节点；其配置为 %1</translation>
    </message>
    <message>
        <source>Tables added: %1</source>
        <translation>已添加表：%1</translation>
    </message>
    <message>
        <source>Node %1 is no longer in the cascade; press Refresh</source>
        <translation>节点 %1 已不在级联中；请点击“刷新”</translation>
    </message>
</context>
<context>
    <name>ferry::gui::NewLeafWizard</name>
    <message>
        <source>New Leaf</source>
        <translation>新建叶子节点</translation>
    </message>
</context>
<context>
    <name>ferry::gui::NewRootWizard</name>
    <message>
        <source>New Root</source>
        <translation>新建根节点</translation>
    </message>
</context>
<context>
    <name>ferry::gui::NodeConfigPage</name>
    <message>
        <source>Config File</source>
        <translation>配置文件</translation>
    </message>
    <message>
        <source>Where the node&apos;s job keeps its CONFIG.ini: `ferry CONFIG.ini COMMAND` and ferry-gui open it. It holds no password.</source>
        <translation>节点的作业存放其 CONFIG.ini 的位置：`ferry CONFIG.ini COMMAND` 和 ferry-gui 会打开它。其中不包含密码。</translation>
    </message>
    <message>
        <source>The file Create writes (mode 0600).</source>
        <translation>“创建”所写入的文件（权限 0600）。</translation>
    </message>
    <message>
        <source>&amp;File:</source>
        <translation>文件(&amp;F)：</translation>
    </message>
    <message>
        <source>Br&amp;owse…</source>
        <translation>浏览(&amp;O)…</translation>
    </message>
    <message>
        <source>Choose the file in a file dialog.</source>
        <translation>在文件对话框中选择文件。</translation>
    </message>
    <message>
        <source>&amp;Replace the file if it exists</source>
        <translation>文件已存在时替换它(&amp;R)</translation>
    </message>
    <message>
        <source>Without this, Create never overwrites a file.</source>
        <translation>不勾选此项时，“创建”绝不会覆盖文件。</translation>
    </message>
    <message>
        <source>Enter the config file&apos;s path.</source>
        <translation>请输入配置文件的路径。</translation>
    </message>
    <message>
        <source>Give the file the ending .ini (ferry names the job&apos;s files after it).</source>
        <translation>请使用 .ini 作为文件的扩展名（ferry 会据此为作业的文件命名）。</translation>
    </message>
    <message>
        <source>%1 is a folder: enter a file name.</source>
        <translation>%1 是一个文件夹：请输入文件名。</translation>
    </message>
    <message>
        <source>%1 exists already: choose another file, or tick Replace the file if it exists.</source>
        <translation>%1 已存在：请选择其他文件，或勾选“文件已存在时替换它”。</translation>
    </message>
    <message>
        <source>The worker logs to %1 and keeps its pid in %2.</source>
        <translation>工作进程将日志写入 %1，并将其 pid 保存在 %2 中。</translation>
    </message>
    <message>
        <source>Ferry configs (*.ini)</source>
        <translation>Ferry 配置 (*.ini)</translation>
    </message>
</context>
<context>
    <name>ferry::gui::NodeDetailWidget</name>
    <message>
        <source>Select a node in the cascade to see its tables and its worker&apos;s log.</source>
        <translation>在级联中选择一个节点，即可查看它的表和工作进程日志。</translation>
    </message>
    <message>
        <source>Table</source>
        <translation>表</translation>
    </message>
    <message>
        <source>State</source>
        <translation>状态</translation>
    </message>
    <message>
        <source>Copied rows</source>
        <translation>已复制行数</translation>
    </message>
    <message>
        <source>Error</source>
        <translation>错误</translation>
    </message>
    <message>
        <source>%1 (%2 node)</source>
        <translation>%1（%2节点）</translation>
    </message>
    <message>
        <source>Location: %1</source>
        <translation>位置：%1</translation>
    </message>
    <message>
        <source>Provider: %1</source>
        <translation>提供者：%1</translation>
    </message>
    <message>
        <source>Worker: never run</source>
        <translation>工作进程：从未运行</translation>
    </message>
    <message>
        <source>Worker: stopped, last seen %1</source>
        <translation>工作进程：已停止，最后出现于 %1</translation>
    </message>
    <message>
        <source>Worker: pid %1, last seen %2</source>
        <translation>工作进程：pid %1，最后出现于 %2</translation>
    </message>
    <message>
        <source>Paused</source>
        <translation>已暂停</translation>
    </message>
    <message>
        <source>Tables</source>
        <translation>表</translation>
    </message>
    <message>
        <source>Reading the tables…</source>
        <translation>正在读取表…</translation>
    </message>
    <message>
        <source>Cannot read the tables: %1</source>
        <translation>无法读取表：%1</translation>
    </message>
    <message numerus="yes">
        <source>Tables (%n)</source>
        <translation>
            <numerusform>表（%n）</numerusform>
        </translation>
    </message>
    <message>
        <source>The root captures no table yet (ferry add-table).</source>
        <translation>根节点尚未捕获任何表（ferry add-table）。</translation>
    </message>
    <message>
        <source>This node subscribes no table yet (ferry add-table).</source>
        <translation>该节点尚未订阅任何表（ferry add-table）。</translation>
    </message>
    <message>
        <source>%1 → %2</source>
        <translation>%1 → %2</translation>
    </message>
    <message>
        <source>Worker log</source>
        <translation>工作进程日志</translation>
    </message>
    <message>
        <source>The worker&apos;s log is shown for the open config&apos;s node only.</source>
        <translation>只显示当前配置所属节点的工作进程日志。</translation>
    </message>
    <message>
        <source>The worker&apos;s log is shown for the open config&apos;s node (%1) only.</source>
        <translation>只显示当前配置所属节点（%1）的工作进程日志。</translation>
    </message>
    <message>
        <source>Reading the log…</source>
        <translation>正在读取日志…</translation>
    </message>
    <message>
        <source>The config sets no logfile: the worker writes its log to the terminal it runs in.</source>
        <translation>该配置未设置 logfile：工作进程把日志写到运行它的终端。</translation>
    </message>
    <message>
        <source>Worker log: %1</source>
        <translation>工作进程日志：%1</translation>
    </message>
    <message>
        <source>No log yet: the worker has not written %1.</source>
        <translation>尚无日志：工作进程还没有写入 %1。</translation>
    </message>
    <message>
        <source>Cannot read the log: %1</source>
        <translation>无法读取日志：%1</translation>
    </message>
    <message>
        <source>The log is empty.</source>
        <translation>日志为空。</translation>
    </message>
    <message>
        <source>Alert when the &amp;lag is over</source>
        <translation>延迟超过此值时告警(&amp;L)</translation>
    </message>
    <message>
        <source> s</source>
        <translation> 秒</translation>
    </message>
    <message>
        <source>Over this lag the node shows a warning, its line in the lag chart crosses its threshold and the tray notifies</source>
        <translation>延迟超过此值时，该节点显示警告，它在延迟图表中的曲线越过其阈值线，托盘也会发出通知</translation>
    </message>
    <message>
        <source>Use &amp;Default</source>
        <translation>使用默认值(&amp;D)</translation>
    </message>
    <message>
        <source>Lag: %1, over the %2 threshold</source>
        <translation>延迟：%1，超过 %2 的阈值</translation>
    </message>
    <message>
        <source>Lag: %1</source>
        <translation>延迟：%1</translation>
    </message>
    <message>
        <source>this node&apos;s own</source>
        <translation>本节点专用</translation>
    </message>
    <message>
        <source>the default</source>
        <translation>默认值</translation>
    </message>
    <message>
        <source>Follow the default threshold (%1) again, set in the Lag tab</source>
        <translation>重新使用默认阈值（%1，在“延迟”标签页中设置）</translation>
    </message>
    <message>
        <source>No worker log is known for a connection profile: open the job&apos;s CONFIG.ini (File &gt; Open Config…) to see its worker&apos;s log.</source>
        <translation>连接配置没有对应的工作进程日志：请打开该作业的 CONFIG.ini（文件 &gt; 打开配置…）以查看其工作进程日志。</translation>
    </message>
    <message>
        <source>Rows kept</source>
        <translation>保留的行</translation>
    </message>
    <message>
        <source>where %1</source>
        <translation>条件 %1</translation>
    </message>
    <message>
        <source>columns %1</source>
        <translation>列 %1</translation>
    </message>
    <message>
        <source>This node keeps only these rows and columns of the source, in the copy and in every later change: %1</source>
        <translation>此节点只保留源表中的这些行和列，初始复制和之后的每次变更都如此：%1</translation>
    </message>
</context>
<context>
    <name>ferry::gui::NodeNamesPage</name>
    <message>
        <source>Names</source>
        <translation>名称</translation>
    </message>
    <message>
        <source>The leaf joins its provider&apos;s queue under a name of its own.</source>
        <translation>叶子节点以自己的名称加入其提供者的队列。</translation>
    </message>
    <message>
        <source>The queue the cascade replicates through, and the root&apos;s name.</source>
        <translation>级联用于复制的队列，以及根节点的名称。</translation>
    </message>
    <message>
        <source>The provider&apos;s queue: every node of a cascade uses the same.</source>
        <translation>提供者的队列：级联中的每个节点都使用同一个队列。</translation>
    </message>
    <message>
        <source>1 to 40 letters, digits, &apos;_&apos;, &apos;.&apos; or &apos;-&apos;; the same on every node of the cascade.</source>
        <translation>1 到 40 个字母、数字、&apos;_&apos;、&apos;.&apos; 或 &apos;-&apos;；级联中的每个节点上都相同。</translation>
    </message>
    <message>
        <source>The node&apos;s name in the cascade: 1 to 128 letters, digits, &apos;_&apos;, &apos;-&apos; or &apos;.&apos;.</source>
        <translation>节点在级联中的名称：1 到 128 个字母、数字、&apos;_&apos;、&apos;-&apos; 或 &apos;.&apos;。</translation>
    </message>
    <message>
        <source>The job&apos;s name (job_name): names the node&apos;s consumer and its log and pid files; 1 to 128 characters without &apos;/&apos; or spaces.</source>
        <translation>作业的名称（job_name）：用于命名节点的消费者及其日志和 pid 文件；1 到 128 个字符，不含 &apos;/&apos; 或空格。</translation>
    </message>
    <message>
        <source>&amp;Queue:</source>
        <translation>队列(&amp;Q)：</translation>
    </message>
    <message>
        <source>Nod&amp;e name:</source>
        <translation>节点名称(&amp;E)：</translation>
    </message>
    <message>
        <source>&amp;Job name:</source>
        <translation>作业名称(&amp;J)：</translation>
    </message>
    <message>
        <source>Queue: use 1 to 40 letters, digits, &apos;_&apos;, &apos;.&apos; or &apos;-&apos;.</source>
        <translation>队列：请使用 1 到 40 个字母、数字、&apos;_&apos;、&apos;.&apos; 或 &apos;-&apos;。</translation>
    </message>
    <message>
        <source>Node name: use 1 to 128 letters, digits, &apos;_&apos;, &apos;-&apos; or &apos;.&apos;.</source>
        <translation>节点名称：请使用 1 到 128 个字母、数字、&apos;_&apos;、&apos;-&apos; 或 &apos;.&apos;。</translation>
    </message>
    <message>
        <source>Job name: use 1 to 128 characters without &apos;/&apos; or spaces.</source>
        <translation>作业名称：请使用 1 到 128 个字符，不含 &apos;/&apos; 或空格。</translation>
    </message>
    <message>
        <source>Node name: queue %1 has a node named %2 already; choose another.</source>
        <translation>节点名称：队列 %1 中已有名为 %2 的节点；请另选一个。</translation>
    </message>
    <message>
        <source>Job name: a node of queue %1 has job %2 already; choose another.</source>
        <translation>作业名称：队列 %1 中已有节点使用作业 %2；请另选一个。</translation>
    </message>
</context>
<context>
    <name>ferry::gui::NodeStateText</name>
    <message>
        <source>OK</source>
        <translation>正常</translation>
    </message>
    <message>
        <source>Warning</source>
        <translation>警告</translation>
    </message>
    <message>
        <source>Error</source>
        <translation>错误</translation>
    </message>
    <message>
        <source>Unreachable</source>
        <translation>无法连接</translation>
    </message>
    <message>
        <source>root</source>
        <translation>根</translation>
    </message>
    <message>
        <source>branch</source>
        <translation>分支</translation>
    </message>
    <message>
        <source>leaf</source>
        <translation>叶子</translation>
    </message>
    <message>
        <source>ok</source>
        <translation>正常</translation>
    </message>
    <message>
        <source>waiting for copy</source>
        <translation>等待复制</translation>
    </message>
    <message>
        <source>catching up</source>
        <translation>追赶中</translation>
    </message>
    <message>
        <source>paused</source>
        <translation>已暂停</translation>
    </message>
    <message>
        <source>worker has never run</source>
        <translation>工作进程从未运行</translation>
    </message>
    <message>
        <source>worker not running (last seen %1 ago)</source>
        <translation>工作进程未运行（最后出现于 %1 前）</translation>
    </message>
    <message>
        <source>ticker stalled: last tick %1 ago, events waiting</source>
        <translation>ticker 停滞：上次 tick 在 %1 前，有事件等待</translation>
    </message>
    <message>
        <source>ticker not running: last tick %1 ago</source>
        <translation>ticker 未运行：上次 tick 在 %1 前</translation>
    </message>
    <message>
        <source>consumer %1 of node %2 has not moved for %3: the queue keeps %4 events (%5) for it; start its worker, or drop the node if it is gone</source>
        <translation>节点 %2 的消费者 %1 已有 %3 未前进：队列为它保留了 %4 个事件（%5）；请启动它的工作进程，如果该节点已不存在则删除该节点</translation>
    </message>
    <message>
        <source>consumer %1 (no node) has not moved for %2: the queue keeps %3 events (%4) for it; unregister it on the root if nothing reads it</source>
        <translation>消费者 %1（无节点）已有 %2 未前进：队列为它保留了 %3 个事件（%4）；如果没有程序读取它，请在根节点上注销它</translation>
    </message>
</context>
<context>
    <name>ferry::gui::NodeSummaryPage</name>
    <message>
        <source>Summary</source>
        <translation>摘要</translation>
    </message>
    <message>
        <source>&amp;Create</source>
        <translation>创建(&amp;C)</translation>
    </message>
    <message>
        <source>The same from a terminal; passwords come from ~/.pgpass.</source>
        <translation>在终端中执行同样的操作；密码取自 ~/.pgpass。</translation>
    </message>
    <message>
        <source>The same with the &amp;ferry command:</source>
        <translation>使用 ferry 命令执行同样的操作(&amp;F)：</translation>
    </message>
    <message>
        <source>Create makes %1 the root node %2 of queue %3</source>
        <translation>“创建”会使 %1 成为队列 %3 的根节点 %2</translation>
    </message>
    <message>
        <source>Create makes %1 the leaf node %2 of queue %3, provider %4</source>
        <translation>“创建”会使 %1 成为队列 %3 的叶子节点 %2（提供者为 %4）</translation>
    </message>
    <message>
        <source>%1, and writes its job %2 to %3.</source>
        <translation>%1，并将其作业 %2 写入 %3。</translation>
    </message>
    <message>
        <source>It creates database %1 first.</source>
        <translation>它会先创建数据库 %1。</translation>
    </message>
    <message>
        <source>If a step fails, what it made is undone.</source>
        <translation>如果某个步骤失败，已创建的内容会被撤销。</translation>
    </message>
    <message>
        <source>Creating node %1…</source>
        <translation>正在创建节点 %1…</translation>
    </message>
    <message>
        <source>Nothing was made: %1</source>
        <translation>未创建任何内容：%1</translation>
    </message>
    <message>
        <source>Create failed: %1. Not undone: %2</source>
        <translation>创建失败：%1。未能撤销：%2</translation>
    </message>
</context>
<context>
    <name>ferry::gui::NodeWizard</name>
    <message>
        <source>Saved profile %1.</source>
        <translation>已保存连接配置 %1。</translation>
    </message>
    <message>
        <source>Profile %1 was not saved: %2</source>
        <translation>连接配置 %1 未保存：%2</translation>
    </message>
    <message>
        <source>no local store</source>
        <translation>没有本地存储</translation>
    </message>
</context>
<context>
    <name>ferry::gui::NodeWorkerPage</name>
    <message>
        <source>Worker</source>
        <translation>工作进程</translation>
    </message>
    <message>
        <source>Start it &amp;here, in ferry-gui</source>
        <translation>在此处（ferry-gui 内）启动(&amp;H)</translation>
    </message>
    <message>
        <source>The worker runs while ferry-gui runs (also in the tray).</source>
        <translation>工作进程在 ferry-gui 运行期间运行（包括在托盘中运行时）。</translation>
    </message>
    <message>
        <source>Start it as a &amp;daemon (ferry -d CONFIG.ini worker)</source>
        <translation>作为守护进程启动（ferry -d CONFIG.ini worker）(&amp;D)</translation>
    </message>
    <message>
        <source>The worker runs on its own, also after ferry-gui quits; its password comes from ~/.pgpass.</source>
        <translation>工作进程独立运行，ferry-gui 退出后也继续运行；其密码取自 ~/.pgpass。</translation>
    </message>
    <message>
        <source>&amp;Not now</source>
        <translation>暂不启动(&amp;N)</translation>
    </message>
    <message>
        <source>Start it later from the Worker menu or with ferry -d.</source>
        <translation>稍后可从“工作进程”菜单或使用 ferry -d 启动它。</translation>
    </message>
    <message>
        <source>Node %1 is made; its config is %2. Its worker moves the changes: the root&apos;s ticks them, a leaf&apos;s applies them.</source>
        <translation>节点 %1 已创建；其配置为 %2。其工作进程负责推进变更：根节点的工作进程为变更生成 tick，叶子节点的工作进程应用变更。</translation>
    </message>
    <message>
        <source>Starting the worker of %1…</source>
        <translation>正在启动 %1 的工作进程…</translation>
    </message>
    <message>
        <source>The worker did not start: %1</source>
        <translation>工作进程未能启动：%1</translation>
    </message>
    <message>
        <source>The worker did not start: %1 %2</source>
        <translation>工作进程未能启动：%1 %2</translation>
    </message>
</context>
<context>
    <name>ferry::gui::PrivilegesPage</name>
    <message>
        <source>Privileges</source>
        <translation>权限</translation>
    </message>
    <message>
        <source>What the node&apos;s role may do in its database, and the statements that grant what is missing.</source>
        <translation>节点的角色在其数据库中可以执行的操作，以及授予所缺权限的语句。</translation>
    </message>
    <message>
        <source>What the node&apos;s role may do, and what each missing privilege means.</source>
        <translation>节点的角色可以执行的操作，以及每项缺失的权限意味着什么。</translation>
    </message>
    <message>
        <source>Run these as a superuser (or the objects&apos; owner), e.g. in psql, then press Re-check.</source>
        <translation>请以超级用户（或这些对象的所有者）身份运行这些语句（例如在 psql 中），然后点击“重新检查”。</translation>
    </message>
    <message>
        <source>&amp;Statements that grant what is missing:</source>
        <translation>授予所缺权限的语句(&amp;S)：</translation>
    </message>
    <message>
        <source>&amp;Re-check</source>
        <translation>重新检查(&amp;R)</translation>
    </message>
    <message>
        <source>Reads the role&apos;s privileges again.</source>
        <translation>重新读取该角色的权限。</translation>
    </message>
    <message>
        <source>Reading what %1 may do…</source>
        <translation>正在读取 %1 可以执行的操作…</translation>
    </message>
    <message>
        <source>Could not read the privileges: %1. Press Re-check.</source>
        <translation>无法读取权限：%1。请点击“重新检查”。</translation>
    </message>
    <message>
        <source>yes</source>
        <translation>具备</translation>
    </message>
    <message>
        <source>missing: needed</source>
        <translation>缺少：必需</translation>
    </message>
    <message>
        <source>missing: optional</source>
        <translation>缺少：可选</translation>
    </message>
    <message>
        <source>Role %1 may make the node; the optional grants below lift the limits noted.</source>
        <translation>角色 %1 可以创建该节点；下方的可选授权可解除所注明的限制。</translation>
    </message>
    <message>
        <source>Role %1 may do everything the node needs.</source>
        <translation>角色 %1 可以执行该节点所需的全部操作。</translation>
    </message>
    <message>
        <source>Something the node needs is missing (marked needed above): have a superuser run the statements below, or choose another database, then press Re-check.</source>
        <translation>缺少节点所需的权限（上方标为“必需”）：请让超级用户运行下方的语句，或选择其他数据库，然后点击“重新检查”。</translation>
    </message>
    <message>
        <source>Something the node needs is missing (marked needed above): do what it says, or choose another database, then press Re-check.</source>
        <translation>节点所需的某项缺失（上面标为“需要”）：请按其说明处理，或选择另一个数据库，然后按“重新检查”。</translation>
    </message>
</context>
<context>
    <name>ferry::gui::ProfileDialog</name>
    <message>
        <source>New Connection Profile</source>
        <translation>新建连接配置</translation>
    </message>
    <message>
        <source>Edit Connection Profile</source>
        <translation>编辑连接配置</translation>
    </message>
    <message>
        <source>local Unix socket</source>
        <translation>本地 Unix 套接字</translation>
    </message>
    <message>
        <source>none, or from ~/.pgpass</source>
        <translation>无，或从 ~/.pgpass 读取</translation>
    </message>
    <message>
        <source>unchanged</source>
        <translation>保持不变</translation>
    </message>
    <message>
        <source>System keychain</source>
        <translation>系统密钥环</translation>
    </message>
    <message>
        <source>~/.pgpass (read by libpq, also by ferry on servers)</source>
        <translation>~/.pgpass（由 libpq 读取，服务器上的 ferry 也会读取）</translation>
    </message>
    <message>
        <source>Do not keep it</source>
        <translation>不保存</translation>
    </message>
    <message>
        <source>The queue whose cascade this profile shows. Test Connection lists the queues the database has a node for.</source>
        <translation>此连接配置所显示级联的队列。“测试连接”会列出该数据库中有节点的队列。</translation>
    </message>
    <message>
        <source>&amp;Test Connection</source>
        <translation>测试连接(&amp;T)</translation>
    </message>
    <message>
        <source>&amp;Name:</source>
        <translation>名称(&amp;N)：</translation>
    </message>
    <message>
        <source>&amp;Host:</source>
        <translation>主机(&amp;H)：</translation>
    </message>
    <message>
        <source>&amp;Port:</source>
        <translation>端口(&amp;P)：</translation>
    </message>
    <message>
        <source>&amp;Database:</source>
        <translation>数据库(&amp;D)：</translation>
    </message>
    <message>
        <source>&amp;User:</source>
        <translation>用户(&amp;U)：</translation>
    </message>
    <message>
        <source>Pass&amp;word:</source>
        <translation>密码(&amp;W)：</translation>
    </message>
    <message>
        <source>&amp;Keep password in:</source>
        <translation>密码保存在(&amp;K)：</translation>
    </message>
    <message>
        <source>&amp;Queue:</source>
        <translation>队列(&amp;Q)：</translation>
    </message>
    <message>
        <source>Connecting to %1…</source>
        <translation>正在连接 %1…</translation>
    </message>
    <message>
        <source>Failed: %1</source>
        <translation>失败：%1</translation>
    </message>
    <message>
        <source>Connected: %1. No Ferry node in this database yet.</source>
        <translation>已连接：%1。此数据库中尚无 Ferry 节点。</translation>
    </message>
    <message>
        <source>Connected: %1. Ferry queues here: %2.</source>
        <translation>已连接：%1。此数据库中的 Ferry 队列：%2。</translation>
    </message>
    <message>
        <source>SS&amp;L mode:</source>
        <translation>SSL 模式(&amp;L)：</translation>
    </message>
    <message>
        <source>The system keychain is not available here (%1), so it cannot keep the password: keep it in ~/.pgpass, or do not keep it.</source>
        <translation>此处无法使用系统密钥环（%1），因此无法用它保存密码：请将密码保存在 ~/.pgpass 中，或不保存。</translation>
    </message>
    <message>
        <source>Enter the password the system keychain should keep, or choose Do not keep it.</source>
        <translation>请输入要由系统密钥环保存的密码，或选择“不保存”。</translation>
    </message>
    <message>
        <source>System keychain (not available here)</source>
        <translation>系统密钥环（此处不可用）</translation>
    </message>
    <message>
        <source>No system keychain answers here (%1). Keep the password in ~/.pgpass instead: libpq reads it, and so does ferry.</source>
        <translation>此处没有可响应的系统密钥环（%1）。请改为将密码保存在 ~/.pgpass 中：libpq 会读取它，ferry 也会。</translation>
    </message>
    <message>
        <source>~/.pgpass is the file libpq reads; ferry finds the password there too.</source>
        <translation>~/.pgpass 是 libpq 读取的文件；ferry 也会在其中查找密码。</translation>
    </message>
    <message>
        <source>Choose the queue this profile shows: Test Connection lists the queues the database has a node for.</source>
        <translation>请选择此连接配置要显示的队列：“测试连接”会列出该数据库中有节点的队列。</translation>
    </message>
</context>
<context>
    <name>ferry::gui::ProfilesDialog</name>
    <message>
        <source>keychain</source>
        <translation>密钥环</translation>
    </message>
    <message>
        <source>~/.pgpass</source>
        <translation>~/.pgpass</translation>
    </message>
    <message>
        <source>not kept</source>
        <translation>不保存</translation>
    </message>
    <message>
        <source>Connection Profiles</source>
        <translation>连接配置</translation>
    </message>
    <message>
        <source>Name</source>
        <translation>名称</translation>
    </message>
    <message>
        <source>Connection</source>
        <translation>连接</translation>
    </message>
    <message>
        <source>Queue</source>
        <translation>队列</translation>
    </message>
    <message>
        <source>SSL</source>
        <translation>SSL</translation>
    </message>
    <message>
        <source>Password</source>
        <translation>密码</translation>
    </message>
    <message>
        <source>Config</source>
        <translation>配置文件</translation>
    </message>
    <message>
        <source>&amp;Add…</source>
        <translation>添加(&amp;A)…</translation>
    </message>
    <message>
        <source>&amp;Edit…</source>
        <translation>编辑(&amp;E)…</translation>
    </message>
    <message>
        <source>&amp;Remove</source>
        <translation>删除(&amp;R)</translation>
    </message>
    <message>
        <source>&amp;Import Config…</source>
        <translation>导入配置(&amp;I)…</translation>
    </message>
    <message>
        <source>&amp;Open</source>
        <translation>打开(&amp;O)</translation>
    </message>
    <message>
        <source>Saved profile %1.</source>
        <translation>已保存连接配置 %1。</translation>
    </message>
    <message>
        <source>Removed profile %1.</source>
        <translation>已删除连接配置 %1。</translation>
    </message>
    <message>
        <source>Import Ferry Config</source>
        <translation>导入 Ferry 配置</translation>
    </message>
    <message>
        <source>Ferry configs (*.ini);;All files (*)</source>
        <translation>Ferry 配置 (*.ini);;所有文件 (*)</translation>
    </message>
    <message>
        <source>Enter the password again: the profile&apos;s connection or password store changed, so the kept one does not apply to it.</source>
        <translation>请重新输入密码：该配置的连接或密码存放位置已更改，原先保存的密码不再适用。</translation>
    </message>
    <message>
        <source>Saved profile %1; its password is in %2.</source>
        <translation>已保存连接配置 %1；其密码保存在 %2。</translation>
    </message>
    <message>
        <source>Saved profile %1; its password is in the system keychain.</source>
        <translation>已保存连接配置 %1；其密码已存入系统密钥环。</translation>
    </message>
    <message>
        <source>Storing the password of %1 in the system keychain…</source>
        <translation>正在将 %1 的密码存入系统密钥环…</translation>
    </message>
    <message>
        <source>Saved profile %1 without the password you typed (Keep password in: Do not keep it): ~/.pgpass or the keychain would keep it.</source>
        <translation>已保存连接配置 %1，但未保存您输入的密码（密码保存在：不保存）：如需保存，请选择 ~/.pgpass 或密钥环。</translation>
    </message>
</context>
<context>
    <name>ferry::gui::ProviderPage</name>
    <message>
        <source>Provider</source>
        <translation>提供者</translation>
    </message>
    <message>
        <source>The node the new leaf reads its changes from: the cascade&apos;s root.</source>
        <translation>新叶子节点从中读取变更的节点：级联的根节点。</translation>
    </message>
    <message>
        <source>A node of the open cascade, or a connection entered below.</source>
        <translation>当前打开的级联中的一个节点，或在下方输入的连接。</translation>
    </message>
    <message>
        <source>%1 (root of %2, %3)</source>
        <translation>%1（队列 %2 的根节点，%3）</translation>
    </message>
    <message>
        <source>%1 (%2)</source>
        <translation>%1（%2）</translation>
    </message>
    <message>
        <source>Another node: enter its connection</source>
        <translation>其他节点：输入其连接</translation>
    </message>
    <message>
        <source>A libpq connection string to the root&apos;s database; its password, if any, is used here only.</source>
        <translation>指向根节点数据库的 libpq 连接字符串；其中的密码（如果有）仅在此处使用。</translation>
    </message>
    <message>
        <source>C&amp;heck Provider</source>
        <translation>检查提供者(&amp;H)</translation>
    </message>
    <message>
        <source>Reads the node there and its cascade, off the window&apos;s thread.</source>
        <translation>读取该处的节点及其级联（不在窗口线程中进行）。</translation>
    </message>
    <message>
        <source>&amp;Provider:</source>
        <translation>提供者(&amp;P)：</translation>
    </message>
    <message>
        <source>&amp;Connection:</source>
        <translation>连接(&amp;C)：</translation>
    </message>
    <message>
        <source>Press Check Provider to go on.</source>
        <translation>请点击“检查提供者”以继续。</translation>
    </message>
    <message>
        <source>Enter the connection, then press Check Provider.</source>
        <translation>请输入连接，然后点击“检查提供者”。</translation>
    </message>
    <message>
        <source>Enter a connection string such as host=HOST port=5432 dbname=DB user=USER.</source>
        <translation>请输入连接字符串，例如 host=HOST port=5432 dbname=DB user=USER。</translation>
    </message>
    <message>
        <source>Reading the node at %1…</source>
        <translation>正在读取 %1 处的节点…</translation>
    </message>
    <message>
        <source>Cannot be the provider: %1</source>
        <translation>不能作为提供者：%1</translation>
    </message>
    <message>
        <source>Root %1 of queue %2; nodes of its cascade: %3.</source>
        <translation>队列 %2 的根节点 %1；其级联中的节点：%3。</translation>
    </message>
</context>
<context>
    <name>ferry::gui::QuitConfirmation</name>
    <message>
        <source>Quit Ferry</source>
        <translation>退出 Ferry</translation>
    </message>
    <message>
        <source>Quit Ferry and stop the workers running in it?</source>
        <translation>要退出 Ferry 并停止在其中运行的工作进程吗？</translation>
    </message>
    <message>
        <source>Running here: %1. Replication through their nodes stops until their workers are started again.</source>
        <translation>在此运行的工作进程：%1。在重新启动这些工作进程之前，经由其节点的复制将会停止。</translation>
    </message>
    <message>
        <source>Hide to Tray keeps them running in the background.</source>
        <translation>选择“隐藏到托盘”可让它们在后台继续运行。</translation>
    </message>
    <message>
        <source>&amp;Hide to Tray</source>
        <translation>隐藏到托盘(&amp;H)</translation>
    </message>
    <message>
        <source>&amp;Quit</source>
        <translation>退出(&amp;Q)</translation>
    </message>
</context>
<context>
    <name>ferry::gui::RepairDialog</name>
    <message>
        <source>Repair %1</source>
        <translation>修复 %1</translation>
    </message>
    <message>
        <source>Repair %1 on node %2?</source>
        <translation>要在节点 %2 上修复 %1 吗？</translation>
    </message>
    <message>
        <source>Changes to the node&apos;s table: %1 row(s).</source>
        <translation>对节点上该表的更改（行数）：%1。</translation>
    </message>
    <message>
        <source>Repair writes these rows in one transaction on the node while the provider&apos;s table is held for writes (a SHARE lock), then compares the table again. It reads the differing rows once more first, so rows that changed meanwhile are written as they are then.</source>
        <translation>修复会在节点上用一个事务写入这些行，期间提供者的表被锁定、禁止写入（SHARE 锁），然后再次比较该表。写入前它会再读取一次不同的行，因此期间有变化的行会按其届时的值写入。</translation>
    </message>
    <message>
        <source>&amp;Repair</source>
        <translation>修复(&amp;R)</translation>
    </message>
    <message>
        <source>insert %1, update %2, delete %3</source>
        <translation>插入 %1，更新 %2，删除 %3</translation>
    </message>
</context>
<context>
    <name>ferry::gui::ServiceInstall</name>
    <message>
        <source>job_name %1 cannot name a service: use only letters, digits, &apos;_&apos;, &apos;.&apos; or &apos;-&apos; (not first &apos;.&apos;)</source>
        <translation>job_name %1 不能用作服务名：只能使用字母、数字、&apos;_&apos;、&apos;.&apos; 或 &apos;-&apos;（首字符不能是 &apos;.&apos;）</translation>
    </message>
    <message>
        <source>db names service=%1, which user ferry may find elsewhere or not at all: write that service&apos;s host, port, dbname and user into db in the config instead.</source>
        <translation>db 指定了 service=%1，用户 ferry 可能在别处找到它，或根本找不到：请改为把该服务的 host、port、dbname 和 user 写入配置的 db。</translation>
    </message>
    <message>
        <source>%1=%2 is a relative path, which the service would read from another folder: write its absolute path into db in the config.</source>
        <translation>%1=%2 是相对路径，服务会从另一个文件夹读取它：请把它的绝对路径写入配置的 db。</translation>
    </message>
    <message>
        <source>%1=%2 is under /home or /tmp, which the service does not see, so it would not check the server as here: copy the file to /etc/ferry and write that path into db.</source>
        <translation>%1=%2 位于 /home 或 /tmp 下，服务看不到这些目录，因此不会像这里一样校验服务器：请把该文件复制到 /etc/ferry，并把该路径写入 db。</translation>
    </message>
    <message>
        <source>%1=%2 is under /home or /tmp, which the service does not see (ProtectHome, PrivateTmp): copy the file to /etc/ferry and write that path into db.</source>
        <translation>%1=%2 位于 /home 或 /tmp 下，服务看不到这些目录（ProtectHome、PrivateTmp）：请把该文件复制到 /etc/ferry，并把该路径写入 db。</translation>
    </message>
    <message>
        <source>host=%1 is a socket folder the service does not see (PrivateTmp): write the server&apos;s address or /var/run/postgresql into db instead.</source>
        <translation>host=%1 是服务看不到的套接字目录（PrivateTmp）：请改为把服务器地址或 /var/run/postgresql 写入 db。</translation>
    </message>
    <message>
        <source>%1 makes this session check the server&apos;s certificate, which the service would not: copy it to /etc/ferry and write sslrootcert=/etc/ferry/root.crt into db (or sslrootcert=system for the system&apos;s CAs).</source>
        <translation>%1 使本会话校验服务器证书，而服务不会：请把它复制到 /etc/ferry，并把 sslrootcert=/etc/ferry/root.crt 写入 db（若要使用系统的 CA，则写 sslrootcert=system）。</translation>
    </message>
    <message>
        <source>%1 makes this session refuse a revoked server certificate, which the service would not: copy it to /etc/ferry and write sslcrl=/etc/ferry/root.crl into db.</source>
        <translation>%1 使本会话拒绝已吊销的服务器证书，而服务不会：请把它复制到 /etc/ferry，并把 sslcrl=/etc/ferry/root.crl 写入 db。</translation>
    </message>
    <message>
        <source>%1 is what this session presents to the server, which the service would not: copy it to /etc/ferry (readable by user ferry) and write %2=/etc/ferry/%3 into db.</source>
        <translation>%1 是本会话向服务器出示的文件，而服务不会出示：请把它复制到 /etc/ferry（用户 ferry 可读），并把 %2=/etc/ferry/%3 写入 db。</translation>
    </message>
    <message>
        <source>The service reads its password from passfile=%1, not ~ferry/.pgpass: user ferry must own it (mode 0600), or libpq does not read it.</source>
        <translation>服务从 passfile=%1 读取密码，而不是 ~ferry/.pgpass：该文件必须归用户 ferry 所有（模式 0600），否则 libpq 不会读取它。</translation>
    </message>
</context>
<context>
    <name>ferry::gui::ServiceInstallDialog</name>
    <message>
        <source>Copy</source>
        <translation>复制</translation>
    </message>
    <message>
        <source>Install as a Service</source>
        <translation>安装为服务</translation>
    </message>
    <message>
        <source>Run the worker of job %1 as the system service %2?</source>
        <translation>将作业 %1 的工作进程作为系统服务 %2 运行？</translation>
    </message>
    <message>
        <source>Ferry writes %1 from %2, without the password. The service logs to %3 and keeps its pidfile in %4.</source>
        <translation>Ferry 将根据 %2 写入 %1（不含密码）。该服务的日志写入 %3，pid 文件保存在 %4。</translation>
    </message>
    <message>
        <source>%1 exists already: Ferry asks before replacing it.</source>
        <translation>%1 已存在：Ferry 会在替换前询问。</translation>
    </message>
    <message>
        <source>Ferry cannot look into %1: if %2 is there, the install command replaces it.</source>
        <translation>Ferry 无法查看 %1 的内容：如果 %2 已存在，安装命令会替换它。</translation>
    </message>
    <message>
        <source>This worker runs now: stop it before the service starts, as a node has one worker at a time.</source>
        <translation>该工作进程正在运行：请在服务启动前停止它，因为一个节点同一时间只能有一个工作进程。</translation>
    </message>
    <message>
        <source>Install writes the file and runs:</source>
        <translation>安装会写入该文件并运行：</translation>
    </message>
    <message>
        <source>Install asks for root&apos;s rights (pkexec) and runs what these commands do; you may run them in a terminal instead:</source>
        <translation>安装会请求 root 权限（pkexec）并执行这些命令所做的事；你也可以改为在终端中运行它们：</translation>
    </message>
    <message>
        <source>Write Config saves the file to %1; then run these commands in a terminal:</source>
        <translation>“写入配置”会把文件保存到 %1；然后请在终端中运行这些命令：</translation>
    </message>
    <message>
        <source>&amp;Install</source>
        <translation>安装(&amp;I)</translation>
    </message>
    <message>
        <source>&amp;Write Config</source>
        <translation>写入配置(&amp;W)</translation>
    </message>
    <message>
        <source>Replace Service Config</source>
        <translation>替换服务配置</translation>
    </message>
    <message>
        <source>%1 exists already. Replace it?</source>
        <translation>%1 已存在。要替换它吗？</translation>
    </message>
    <message>
        <source>The service %1 reads it at its next start or reload.</source>
        <translation>服务 %1 会在下次启动或重新加载时读取它。</translation>
    </message>
    <message>
        <source>&amp;Replace</source>
        <translation>替换(&amp;R)</translation>
    </message>
    <message>
        <source>The service&apos;s config could not be written: %1.</source>
        <translation>无法写入该服务的配置：%1。</translation>
    </message>
    <message>
        <source>Wrote %1: run the commands above in a terminal to install and start the service.</source>
        <translation>已写入 %1：请在终端中运行上面的命令来安装并启动该服务。</translation>
    </message>
    <message>
        <source>Close</source>
        <translation>关闭</translation>
    </message>
    <message>
        <source>There is no group ferry: install Ferry&apos;s package, which makes it and the service&apos;s user.</source>
        <translation>没有 ferry 组：请安装 Ferry 的软件包，它会创建该组和服务用户。</translation>
    </message>
    <message>
        <source>%1 was written, but could not be given to group ferry (mode 0640): run chgrp ferry and chmod 0640 on it.</source>
        <translation>已写入 %1，但无法将其交给 ferry 组（权限 0640）：请对它运行 chgrp ferry 和 chmod 0640。</translation>
    </message>
    <message>
        <source>exit code %1</source>
        <translation>退出码 %1</translation>
    </message>
    <message>
        <source>pkexec did not give root&apos;s rights (%1): nothing was installed; run the commands above in a terminal.</source>
        <translation>pkexec 未授予 root 权限（%1）：没有安装任何内容；请在终端中运行上面的命令。</translation>
    </message>
    <message>
        <source>The service connects with this, taken from the config and this session&apos;s PG* environment:</source>
        <translation>服务将使用以下连接，取自配置和本会话的 PG* 环境变量：</translation>
    </message>
    <message>
        <source>Wrote %1: run the command above to enable the service.</source>
        <translation>已写入 %1：请运行上面的命令来启用服务。</translation>
    </message>
    <message>
        <source>%1 is enabled and started; checking that it runs…</source>
        <translation>%1 已启用并启动；正在检查它是否在运行…</translation>
    </message>
    <message>
        <source>%1 is enabled and started, but systemctl is-active did not answer (%2): see systemctl status %1.</source>
        <translation>%1 已启用并启动，但 systemctl is-active 没有回答（%2）：请查看 systemctl status %1。</translation>
    </message>
    <message>
        <source>no answer</source>
        <translation>无回答</translation>
    </message>
    <message>
        <source>%1 is enabled but not running: journalctl -u %1 says why; once it is fixed, run sudo systemctl restart %1.</source>
        <translation>%1 已启用但未在运行：journalctl -u %1 会说明原因；修复后运行 sudo systemctl restart %1。</translation>
    </message>
    <message>
        <source>The service runs as user ferry and reads its password from %1 (mode 0600). Add this line there, with the password at its end:</source>
        <translation>服务以用户 ferry 运行，并从 %1（模式 0600）读取密码。请在其中加入这一行，并在末尾写上密码：</translation>
    </message>
    <message>
        <source>&amp;Start it now (uncheck to start it yourself once %1 has the password)</source>
        <translation>立即启动(&amp;S)（取消勾选则在 %1 中有密码后自行启动）</translation>
    </message>
    <message>
        <source>Wrote %1: run the commands above in a terminal to install the service; start it once %2 has the password.</source>
        <translation>已写入 %1：请在终端中运行上面的命令来安装服务；%2 中有密码后再启动它。</translation>
    </message>
    <message>
        <source>%1 is enabled, not started: once %2 has the password, run sudo systemctl start %1.</source>
        <translation>%1 已启用，未启动：%2 中有密码后，运行 sudo systemctl start %1。</translation>
    </message>
    <message>
        <source>%1 is written, but systemctl could not be run (%2), so %3 is not enabled: where systemd runs, run %4.</source>
        <translation>%1 已写入，但无法运行 systemctl（%2），因此 %3 未启用：请在运行 systemd 的系统上运行 %4。</translation>
    </message>
    <message>
        <source>%1 is written, but systemctl failed (%2), so %3 may not be enabled or started: see systemctl status %3 and journalctl -u %3.</source>
        <translation>%1 已写入，但 systemctl 失败（%2），因此 %3 可能未启用或未启动：请查看 systemctl status %3 和 journalctl -u %3。</translation>
    </message>
    <message>
        <source>Root could not write %1 (%2): nothing was installed; check that %3 exists (Ferry&apos;s package makes it) and install again.</source>
        <translation>root 无法写入 %1（%2）：未安装任何内容；请检查 %3 是否存在（Ferry 的软件包会创建它），然后重新安装。</translation>
    </message>
    <message>
        <source>%1 is installed, but there is no systemctl, so %2 is not enabled: where systemd runs, run %3.</source>
        <translation>%1 已安装，但没有 systemctl，因此 %2 未启用：请在运行 systemd 的系统上运行 %3。</translation>
    </message>
    <message>
        <source>%1 is installed, but systemctl failed (%2), so %3 may not be enabled or started: see systemctl status %3 and journalctl -u %3.</source>
        <translation>%1 已安装，但 systemctl 失败（%2），因此 %3 可能未启用或未启动：请查看 systemctl status %3 和 journalctl -u %3。</translation>
    </message>
    <message>
        <source>pkexec could not be run (%1): nothing was installed; run the commands above in a terminal.</source>
        <translation>无法运行 pkexec（%1）：未安装任何内容；请在终端中运行上面的命令。</translation>
    </message>
    <message>
        <source>Installing as root ended with exit code %1 (%2): see whether %3 exists and systemctl status %4.</source>
        <translation>以 root 安装时以退出码 %1 结束（%2）：请查看 %3 是否存在以及 systemctl status %4。</translation>
    </message>
    <message>
        <source>%1 is enabled and running; it logs to %2 and the journal. If its login is refused it waits and says so there: add the password to %3 and run sudo systemctl reload %1.</source>
        <translation>%1 已启用并在运行；日志写入 %2 和 journal。如果登录被拒绝，它会等待并在那里说明：请把密码加入 %3，然后运行 sudo systemctl reload %1。</translation>
    </message>
</context>
<context>
    <name>ferry::gui::TrayController</name>
    <message>
        <source>%1 — cannot use the config</source>
        <translation>%1 — 无法使用该配置</translation>
    </message>
    <message>
        <source>Ferry: replication error</source>
        <translation>Ferry：复制出错</translation>
    </message>
    <message>
        <source>Ferry: lag</source>
        <translation>Ferry：延迟过高</translation>
    </message>
    <message>
        <source>&amp;Open Ferry</source>
        <translation>打开 Ferry(&amp;O)</translation>
    </message>
    <message>
        <source>&amp;Pause All</source>
        <translation>全部暂停(&amp;P)</translation>
    </message>
    <message>
        <source>Pause the nodes of every background worker</source>
        <translation>暂停所有后台工作进程的节点</translation>
    </message>
    <message>
        <source>&amp;Resume All</source>
        <translation>全部恢复(&amp;R)</translation>
    </message>
    <message>
        <source>Resume the nodes of every background worker</source>
        <translation>恢复所有后台工作进程的节点</translation>
    </message>
    <message>
        <source>&amp;Quit</source>
        <translation>退出(&amp;Q)</translation>
    </message>
    <message>
        <source>Stop the workers running here and quit Ferry</source>
        <translation>停止在 Ferry 内运行的工作进程并退出</translation>
    </message>
</context>
<context>
    <name>ferry::gui::TrayHealth</name>
    <message>
        <source>%1: %2</source>
        <translation>%1：%2</translation>
    </message>
    <message>
        <source>%1: worker failed: %2</source>
        <translation>%1：工作进程失败：%2</translation>
    </message>
    <message>
        <source>%1: worker not running</source>
        <translation>%1：工作进程未运行</translation>
    </message>
    <message>
        <source>%1: worker starting</source>
        <translation>%1：工作进程正在启动</translation>
    </message>
    <message>
        <source>%1: worker stopping</source>
        <translation>%1：工作进程正在停止</translation>
    </message>
    <message>
        <source>%1: no status read yet</source>
        <translation>%1：尚未读取状态</translation>
    </message>
    <message>
        <source>%1: cannot read the status: %2</source>
        <translation>%1：无法读取状态：%2</translation>
    </message>
    <message>
        <source>%1: %2 — %3</source>
        <translation>%1：%2 — %3</translation>
    </message>
    <message>
        <source>Ferry: no background workers</source>
        <translation>Ferry：没有后台工作进程</translation>
    </message>
    <message>
        <source>%1: tables in error: %2</source>
        <translation>%1：出错的表：%2</translation>
    </message>
    <message>
        <source>Ferry: all OK, background workers: %1</source>
        <translation>Ferry：一切正常，后台工作进程：%1</translation>
    </message>
    <message>
        <source>Ferry: warnings: %1</source>
        <translation>Ferry：警告：%1</translation>
    </message>
    <message>
        <source>Ferry: errors: %1</source>
        <translation>Ferry：错误：%1</translation>
    </message>
    <message>
        <source>… and %1 more</source>
        <translation>… 另有 %1 条</translation>
    </message>
</context>
<context>
    <name>ferry::gui::WorkerControl</name>
    <message>
        <source>Worker: checking…</source>
        <translation>工作进程：正在检查…</translation>
    </message>
    <message>
        <source>Worker: no config open</source>
        <translation>工作进程：未打开配置</translation>
    </message>
    <message>
        <source>Worker: not running</source>
        <translation>工作进程：未运行</translation>
    </message>
    <message>
        <source>Worker: starting…</source>
        <translation>工作进程：正在启动…</translation>
    </message>
    <message>
        <source>Worker: running here (pid %1)</source>
        <translation>工作进程：在 Ferry 内运行（pid %1）</translation>
    </message>
    <message>
        <source>Worker: stopping…</source>
        <translation>工作进程：正在停止…</translation>
    </message>
    <message>
        <source>Worker: running as daemon (pid %1)</source>
        <translation>工作进程：作为守护进程运行（pid %1）</translation>
    </message>
    <message>
        <source>Worker: failed: %1</source>
        <translation>工作进程：失败：%1</translation>
    </message>
    <message>
        <source>Cannot find the ferry command next to ferry-gui or in PATH.</source>
        <translation>在 ferry-gui 所在目录和 PATH 中均找不到 ferry 命令。</translation>
    </message>
    <message>
        <source>ferry -d failed (exit code %1).</source>
        <translation>ferry -d 失败（退出码 %1）。</translation>
    </message>
    <message>
        <source>Cannot run %1: %2</source>
        <translation>无法运行 %1：%2</translation>
    </message>
    <message>
        <source>Check that the database of node %1 is running and accepts connections from this computer, then try again.</source>
        <translation>请检查节点 %1 的数据库是否正在运行并接受来自本机的连接，然后重试。</translation>
    </message>
    <message>
        <source>Fix the cause, then choose Worker &gt; Start again.</source>
        <translation>请解决问题原因，然后再次选择“工作进程 &gt; 启动”。</translation>
    </message>
    <message>
        <source>Fix the cause (the worker&apos;s log %1 may tell more), then choose Worker &gt; Start again.</source>
        <translation>请解决问题原因（工作进程日志 %1 中可能有更多信息），然后再次选择“工作进程 &gt; 启动”。</translation>
    </message>
    <message>
        <source>Fix the cause, then choose Worker &gt; Start as Daemon again.</source>
        <translation>请解决问题原因，然后再次选择“工作进程 &gt; 作为守护进程启动”。</translation>
    </message>
    <message>
        <source>The worker may still run: choose Worker &gt; Stop again, or run ferry -s %1 worker.</source>
        <translation>工作进程可能仍在运行：请再次选择“工作进程 &gt; 停止”，或运行 ferry -s %1 worker。</translation>
    </message>
    <message>
        <source>Fix the cause, then choose Worker &gt; Pause again.</source>
        <translation>请解决问题原因，然后再次选择“工作进程 &gt; 暂停”。</translation>
    </message>
    <message>
        <source>Fix the cause, then choose Worker &gt; Resume again.</source>
        <translation>请解决问题原因，然后再次选择“工作进程 &gt; 恢复”。</translation>
    </message>
    <message>
        <source>The worker of %1 is still stopping: wait until it has stopped.</source>
        <translation>%1 的工作进程仍在停止中：请等待它完全停止。</translation>
    </message>
</context>
<context>
    <name>ferry::gui::WorkerMenu</name>
    <message>
        <source>&amp;Worker</source>
        <translation>工作进程(&amp;W)</translation>
    </message>
    <message>
        <source>&amp;Start</source>
        <translation>启动(&amp;S)</translation>
    </message>
    <message>
        <source>Run the open config&apos;s worker inside Ferry</source>
        <translation>在 Ferry 内运行当前配置的工作进程</translation>
    </message>
    <message>
        <source>Start as &amp;Daemon</source>
        <translation>作为守护进程启动(&amp;D)</translation>
    </message>
    <message>
        <source>Run the open config&apos;s worker as a daemon (ferry -d CONFIG.ini worker)</source>
        <translation>将当前配置的工作进程作为守护进程运行（ferry -d CONFIG.ini worker）</translation>
    </message>
    <message>
        <source>S&amp;top</source>
        <translation>停止(&amp;T)</translation>
    </message>
    <message>
        <source>Stop the open config&apos;s worker, here or as a daemon</source>
        <translation>停止当前配置的工作进程（无论在 Ferry 内运行还是作为守护进程运行）</translation>
    </message>
    <message>
        <source>&amp;Pause</source>
        <translation>暂停(&amp;P)</translation>
    </message>
    <message>
        <source>Hold the node&apos;s worker before its next batch</source>
        <translation>让该节点的工作进程在下一个批次之前暂停</translation>
    </message>
    <message>
        <source>&amp;Resume</source>
        <translation>恢复(&amp;R)</translation>
    </message>
    <message>
        <source>Let the node&apos;s worker apply batches again</source>
        <translation>让该节点的工作进程继续应用批次</translation>
    </message>
    <message>
        <source>&amp;Keep Worker Running in Background</source>
        <translation>在后台保持工作进程运行(&amp;K)</translation>
    </message>
    <message>
        <source>Run this worker from the tray whenever Ferry runs there (ferry-gui --tray)</source>
        <translation>Ferry 在托盘中运行时，始终从托盘运行此工作进程（ferry-gui --tray）</translation>
    </message>
    <message>
        <source>&amp;Hide to Tray</source>
        <translation>隐藏到托盘(&amp;H)</translation>
    </message>
    <message>
        <source>Hide the window; the background workers keep running</source>
        <translation>隐藏窗口；后台工作进程继续运行</translation>
    </message>
    <message>
        <source>&amp;Close to Tray</source>
        <translation>关闭时最小化到托盘(&amp;C)</translation>
    </message>
    <message>
        <source>Closing the window keeps Ferry running in the tray</source>
        <translation>关闭窗口后 Ferry 继续在托盘中运行</translation>
    </message>
    <message>
        <source>It runs as a daemon (pid %1).</source>
        <translation>它作为守护进程运行（pid %1）。</translation>
    </message>
    <message>
        <source>It runs here, inside this Ferry (pid %1).</source>
        <translation>它在此 Ferry 内运行（pid %1）。</translation>
    </message>
    <message>
        <source>Stop Worker</source>
        <translation>停止工作进程</translation>
    </message>
    <message>
        <source>Stop the worker of node %1?</source>
        <translation>要停止节点 %1 的工作进程吗？</translation>
    </message>
    <message>
        <source>Replication to %1 stops until its worker is started again.</source>
        <translation>在重新启动其工作进程之前，到 %1 的复制将会停止。</translation>
    </message>
    <message>
        <source>S&amp;top Worker</source>
        <translation>停止工作进程(&amp;T)</translation>
    </message>
    <message>
        <source>The worker of node %1 could not start.</source>
        <translation>节点 %1 的工作进程无法启动。</translation>
    </message>
    <message>
        <source>The worker of node %1 could not start as a daemon.</source>
        <translation>节点 %1 的工作进程无法作为守护进程启动。</translation>
    </message>
    <message>
        <source>The worker of node %1 could not be stopped.</source>
        <translation>无法停止节点 %1 的工作进程。</translation>
    </message>
    <message>
        <source>Node %1 could not be paused.</source>
        <translation>无法暂停节点 %1。</translation>
    </message>
    <message>
        <source>Node %1 could not be resumed.</source>
        <translation>无法恢复节点 %1。</translation>
    </message>
    <message>
        <source>Worker</source>
        <translation>工作进程</translation>
    </message>
    <message>
        <source>Worker: no CONFIG.ini known for this node</source>
        <translation>工作进程：不知道此节点的 CONFIG.ini</translation>
    </message>
    <message>
        <source>Ferry knows no CONFIG.ini of this node: open the job&apos;s CONFIG.ini (File &gt; Open Config…) to start, stop, pause or resume its worker here.</source>
        <translation>Ferry 不知道此节点的 CONFIG.ini：请打开该作业的 CONFIG.ini（文件 &gt; 打开配置…），以便在此启动、停止、暂停或恢复其工作进程。</translation>
    </message>
    <message>
        <source>Install Ferry&apos;s package to run workers as services: there is no %1.</source>
        <translation>要以服务方式运行工作进程，请安装 Ferry 的软件包：找不到 %1。</translation>
    </message>
    <message>
        <source>Open a job&apos;s CONFIG.ini (File &gt; Open Config…) to run its worker as a service.</source>
        <translation>请打开一个作业的 CONFIG.ini（文件 &gt; 打开配置…），才能将其工作进程作为服务运行。</translation>
    </message>
    <message>
        <source>&amp;Install as a Service…</source>
        <translation>安装为服务(&amp;I)…</translation>
    </message>
    <message>
        <source>Run this worker as the system service ferry-worker@NAME, started at boot</source>
        <translation>将此工作进程作为系统服务 ferry-worker@NAME 运行，开机时启动</translation>
    </message>
</context>
</TS>
