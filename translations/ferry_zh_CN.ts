<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1" language="zh_CN">
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
        <source>Open the CONFIG.ini of a root or leaf node to watch its cascade live: the state, lag and tables of every node and the worker&apos;s log. Connection profiles, lag charts and the error log arrive with the next releases.</source>
        <translation>打开根节点或叶子节点的 CONFIG.ini，即可实时查看其级联：每个节点的状态、延迟和表，以及工作进程的日志。连接配置、延迟图表和错误日志将在后续版本中提供。</translation>
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
</context>
</TS>
