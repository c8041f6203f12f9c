//! Page text in Chinese (the default) and English. One table, looked up by key; a missing key
//! shows itself, so a forgotten translation is visible rather than blank.

/// The reader's language, from the `lang` cookie (`?lang=en` sets it).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Lang {
    /// 中文.
    #[default]
    Zh,
    /// English.
    En,
}

impl Lang {
    /// Parses a cookie or query value.
    pub fn parse(s: &str) -> Option<Lang> {
        match s {
            "zh" | "zh-CN" => Some(Lang::Zh),
            "en" => Some(Lang::En),
            _ => None,
        }
    }

    /// The `lang` attribute of the page.
    pub fn code(self) -> &'static str {
        match self {
            Lang::Zh => "zh-CN",
            Lang::En => "en",
        }
    }

    /// The other language's code, for the switch link.
    pub fn other(self) -> &'static str {
        match self {
            Lang::Zh => "en",
            Lang::En => "zh",
        }
    }

    /// The text for `key`.
    pub fn t(self, key: &str) -> &'static str {
        TEXT.iter()
            .find(|(k, _, _)| *k == key)
            .map(|(_, zh, en)| if self == Lang::Zh { *zh } else { *en })
            .unwrap_or("??")
    }
}

/// (key, 中文, English).
const TEXT: &[(&str, &str, &str)] = &[
    ("brand", "开放平台", "Open Platform"),
    ("switch", "English", "中文"),
    ("login", "登录", "Log in"),
    ("logout", "退出", "Log out"),
    ("signup", "注册开发者", "Sign up as a developer"),
    ("login_name", "账号", "Login"),
    ("password", "密码", "Password"),
    ("email", "邮箱", "E-mail"),
    ("name", "姓名", "Name"),
    ("no_account", "还没有账号？", "No account yet?"),
    ("have_account", "已有账号？", "Already registered?"),
    ("nav.console", "开发者控制台", "Developer console"),
    ("nav.apps", "应用中心", "App centre"),
    ("nav.admin", "运营后台", "Back office"),
    ("nav.merchant", "商家中心", "Merchant centre"),
    ("nav.docs", "文档中心", "Docs"),
    ("onboarding", "开发者入驻", "Developer onboarding"),
    ("state", "状态", "State"),
    ("agreement", "开发者协议", "Developer agreement"),
    (
        "agreement.text",
        "我已阅读并同意《快手电商开放平台开发者协议》",
        "I have read and accept the Open Platform Developer Agreement",
    ),
    ("accept", "同意协议", "Accept"),
    ("role", "开发者角色", "Developer role"),
    ("legal_person", "法人信息", "Legal person"),
    ("id_number", "身份证号", "ID number"),
    ("enterprise", "企业信息", "Enterprise"),
    ("licence", "营业执照号", "Licence number"),
    ("description", "描述", "Description"),
    ("administrator", "管理员信息", "Administrator"),
    ("phone", "手机号", "Phone"),
    ("save", "保存", "Save"),
    ("submit", "提交审核", "Submit for review"),
    ("reason", "原因", "Reason"),
    ("reject_reason", "驳回原因", "Rejection reason"),
    ("approve", "通过", "Approve"),
    ("reject", "驳回", "Reject"),
    ("apps", "我的应用", "My apps"),
    ("create_app", "创建应用", "Create app"),
    ("category", "应用类目", "Category"),
    ("callback", "回调地址", "Callback URL"),
    ("website", "官网", "Website"),
    ("app_name", "应用名称", "App name"),
    ("credentials", "应用凭证", "Credentials"),
    ("reveal", "查看密钥", "Reveal secrets"),
    (
        "reveal.hint",
        "输入登录密码后查看 appSecret、signSecret 和消息密钥",
        "Enter your password to see appSecret, signSecret and the push key",
    ),
    ("rotate", "重置", "Rotate"),
    ("packages", "权限包", "Permission packages"),
    ("apply", "申请", "Apply"),
    ("test_users", "测试用户", "Test users"),
    ("authorized_users", "授权用户", "Authorized users"),
    ("user_id", "用户ID", "User id"),
    ("add", "添加", "Add"),
    ("remove", "移除", "Remove"),
    ("lifecycle", "上线流程", "Launch"),
    ("notifications", "通知", "Notifications"),
    (
        "queue.developers",
        "开发者入驻审核",
        "Developer applications",
    ),
    ("queue.apps", "应用审核", "App reviews"),
    ("queue.launches", "上线审核", "Launch reviews"),
    (
        "queue.packages",
        "权限包审核",
        "Permission-package requests",
    ),
    ("queue.empty", "队列为空", "Nothing waiting"),
    ("authorized_apps", "已授权应用", "Authorized apps"),
    ("revoke", "取消授权", "Revoke"),
    ("staff", "子账号", "Staff accounts"),
    ("create_staff", "创建子账号", "Create staff account"),
    ("disable", "停用", "Disable"),
    ("enable", "启用", "Enable"),
    ("scopes", "授权范围", "Scopes"),
    ("expires", "到期", "Ends"),
    ("none", "暂无", "None yet"),
    ("search", "搜索", "Search"),
    ("next_step", "下一步", "Next step"),
    ("state.draft", "草稿", "Draft"),
    ("state.submitted", "审核中", "In review"),
    ("state.approved", "已通过", "Approved"),
    ("state.rejected", "已驳回", "Rejected"),
    ("state.cleared", "已清退", "Cleared"),
    ("state.in_review", "审核中", "In review"),
    ("state.developing", "开发中", "Developing"),
    ("state.scanning", "安全扫描中", "Security scan"),
    ("state.launch_review", "上线审核中", "Launch review"),
    ("state.online", "已上线", "Online"),
    ("state.offline", "已下线", "Offline"),
    ("state.deleted", "已删除", "Deleted"),
    ("state.granted", "已获得", "Held"),
    ("state.pending", "审核中", "Pending"),
    ("event.resubmit", "重新提交", "Resubmit"),
    ("event.start_scan", "发起安全扫描", "Start security scan"),
    ("event.take_offline", "下线", "Take offline"),
    ("event.delete", "删除应用", "Delete app"),
    ("event.scan_passed", "扫描通过", "Scan passed"),
    ("event.scan_failed", "扫描未通过", "Scan failed"),
    ("event.bring_online", "重新上线", "Bring online"),
    // Developer tools and app operations pages (API and message test tools, push settings,
    // message log, traffic, dashboard, test users).
    ("nav.api_test", "API测试工具", "API test tool"),
    ("nav.message_test", "消息测试工具", "Message test tool"),
    ("yes", "是", "Yes"),
    ("no", "否", "No"),
    ("copy", "复制", "Copy"),
    ("copied", "已复制", "Copied"),
    ("tabs.label", "应用页面", "App pages"),
    ("tab.overview", "应用概览", "Overview"),
    ("tab.push", "消息推送", "Message push"),
    ("tab.messages", "消息查询", "Message log"),
    ("tab.traffic", "流量管理", "Traffic"),
    ("tab.dashboard", "数据看板", "Dashboard"),
    ("tab.api_test", "API测试", "API test"),
    ("tab.message_test", "消息测试", "Message test"),
    ("tool.api", "API测试工具", "API test tool"),
    (
        "tool.api.hint",
        "选择应用和接口，填写 param，平台用应用的 signSecret 在服务端签名，并通过真实网关发送；下方显示待签名字符串、sign、原始请求和原始响应。",
        "Pick an app and a method and fill in param; the platform signs the call server-side with the app's signSecret and sends it through the real gateway. The string to sign, the sign and the raw request and response appear below.",
    ),
    ("tool.message", "消息测试工具", "Message test tool"),
    (
        "tool.message.hint",
        "选择消息类型并编辑示例 info，平台用消息密钥加密后发送到应用的推送地址，显示明文、密文、接收方的响应以及是否算作推送成功。",
        "Pick an event and edit the sample info; the platform encrypts it with the push key and sends it to the app's push URL, then shows the plaintext, the encrypted body, the receiver's answer and whether it counts as delivered.",
    ),
    (
        "tool.message.rule",
        "接收方须在 3000 毫秒内返回 HTTP 200 和 {\"result\":1} 才算推送成功。",
        "A delivery counts only if the receiver answers HTTP 200 with {\"result\":1} within 3000 ms.",
    ),
    (
        "tool.message.note",
        "测试消息只发送一次，不重试，也不记入消息查询。",
        "A test message is sent once: no retries, and it is not in the message log.",
    ),
    (
        "tool.no_app",
        "还没有已审核通过的应用。应用审核通过后获得 appKey 等凭证，即可使用测试工具。",
        "No approved app yet. Once an app is approved it gets its appKey and credentials, and the tools can use it.",
    ),
    ("tool.app", "应用", "App"),
    ("tool.method", "接口", "Method"),
    ("tool.event", "消息类型", "Event"),
    ("tool.load", "打开", "Open"),
    ("tool.scope", "权限包", "Package"),
    (
        "tool.needs_user",
        "需要商家授权",
        "Needs a merchant's authorization",
    ),
    (
        "tool.app_token_ok",
        "应用级 token 即可",
        "An app-level token is enough",
    ),
    (
        "tool.params",
        "业务参数（param）",
        "Business parameters (param)",
    ),
    (
        "tool.no_params",
        "此接口没有业务参数，param 传 {}。",
        "This method has no business parameters; send param {}.",
    ),
    ("tool.param_name", "名称", "Name"),
    ("tool.param_type", "类型", "Type"),
    ("tool.param_required", "必填", "Required"),
    ("tool.request", "请求", "Request"),
    (
        "tool.token_source",
        "access_token 来源",
        "access_token from",
    ),
    (
        "tool.token_paste",
        "粘贴已有的 access_token",
        "Paste an access_token",
    ),
    (
        "tool.token_issue",
        "为已授权测试用户签发 48 小时 token：",
        "Issue a 48 h token for the authorized test user",
    ),
    ("tool.not_authorized", "未授权", "not authorized"),
    (
        "tool.no_test_users",
        "还没有测试用户。添加测试用户并请其通过授权链接授权后，可在此为其签发 token。",
        "No test users yet. Add one and have it authorize through the authorization link; then a token can be issued here.",
    ),
    (
        "tool.token_placeholder",
        "选择测试用户后自动填入，或粘贴 access_token",
        "Filled in when a test user is chosen, or paste an access_token",
    ),
    (
        "tool.token_issued",
        "已签发 48 小时 token，测试用户",
        "Issued a 48 h token for test user",
    ),
    ("tool.sign_send", "签名并发送", "Sign and send"),
    (
        "tool.sign_note",
        "签名在服务端完成，页面不会显示 signSecret。",
        "The call is signed on the server; the signSecret is never shown in the page.",
    ),
    ("tool.result", "结果", "Result"),
    ("tool.success", "调用成功", "success"),
    ("tool.no_envelope", "非 JSON 响应", "not a JSON envelope"),
    ("tool.string_to_sign", "待签名字符串", "String to sign"),
    (
        "tool.secret_masked",
        "signSecret 以 *** 代替",
        "signSecret shown as ***",
    ),
    ("tool.raw_request", "原始请求", "Raw request"),
    ("tool.raw_response", "原始响应", "Raw response"),
    (
        "tool.pretty_body",
        "响应内容（格式化）",
        "Response body (formatted)",
    ),
    (
        "tool.events_locked",
        "需要申请权限包",
        "Need a permission package",
    ),
    (
        "tool.no_events",
        "应用没有可订阅的消息：先申请订单、售后或商品权限包。",
        "The app has no events to send: apply for the order, refund or item package first.",
    ),
    (
        "tool.no_push_url",
        "还没有设置推送地址。",
        "No push URL is set yet.",
    ),
    ("tool.sample", "示例消息", "Sample message"),
    (
        "tool.seller",
        "商家（消息中的 userId / openId）",
        "Merchant (userId / openId in the message)",
    ),
    (
        "tool.sample_seller",
        "示例商家（userId 0）",
        "Sample merchant (userId 0)",
    ),
    ("tool.send_message", "发送测试消息", "Send test message"),
    (
        "tool.info_not_object",
        "info 必须是 JSON 对象",
        "info must be a JSON object",
    ),
    ("tool.delivered", "推送成功", "Delivered"),
    ("tool.not_delivered", "推送失败", "Not delivered"),
    (
        "tool.receiver_status",
        "接收方 HTTP 状态",
        "Receiver's HTTP status",
    ),
    ("tool.receiver_body", "接收方响应内容", "Receiver's answer"),
    ("tool.latency", "耗时", "Latency"),
    ("tool.plaintext", "明文（格式化）", "Plaintext (formatted)"),
    ("tool.ciphertext", "密文（请求体）", "Encrypted body (sent)"),
    ("push.title", "消息推送设置", "Message push settings"),
    (
        "push.hint",
        "开启后，订单、售后和商品的变更消息会推送到下面的地址。只能订阅应用已获得权限包对应的消息。",
        "When on, order, after-sales and item changes are pushed to the URL below. Only events whose permission package the app holds can be subscribed.",
    ),
    ("push.url", "推送地址", "Push URL"),
    (
        "push.url_rule",
        "保存时平台先发送加密的测试消息 {\"test\":true}，地址须返回 HTTP 200 和 {\"result\":1}。超时时间：",
        "On saving, the platform first sends the encrypted test message {\"test\":true}; the URL must answer HTTP 200 with {\"result\":1}. Timeout:",
    ),
    ("push.switch", "开启消息推送", "Push on"),
    ("push.on", "已开启", "On"),
    ("push.off", "未开启", "Off"),
    (
        "push.paused",
        "地址不可达，已暂停于",
        "URL unreachable, paused at",
    ),
    ("push.subscriptions", "订阅的消息", "Subscribed events"),
    (
        "push.no_events",
        "应用没有可订阅的消息。",
        "The app has no events it may subscribe to.",
    ),
    ("push.needs_package", "需要权限包", "Needs package"),
    ("push.key", "消息密钥", "Push key"),
    ("push.reveal_key", "查看消息密钥", "Reveal push key"),
    (
        "push.reveal_hint",
        "输入登录密码后查看",
        "Enter your password to see it",
    ),
    (
        "push.key_hint",
        "消息体为 Base64(AES-128-CBC(密钥, IV 全 0, PKCS#5))，用此密钥解密。离开本页后不再显示。",
        "Bodies are Base64(AES-128-CBC(key, zero IV, PKCS#5)); decrypt them with this key. It is not shown again after you leave this page.",
    ),
    ("push.saved", "推送设置已保存", "Push settings saved"),
    ("log.title", "消息查询", "Message log"),
    ("log.all_events", "全部消息类型", "All events"),
    ("log.all_statuses", "全部状态", "All statuses"),
    ("log.attempts", "推送记录", "Attempts"),
    ("log.time", "时间", "Time"),
    ("log.details", "详情", "Details"),
    ("log.repush", "重新推送", "Re-push"),
    ("log.empty", "没有消息", "No messages"),
    ("log.message", "消息", "Message"),
    ("log.outcome", "结果", "Outcome"),
    (
        "log.repush_failed",
        "批量重推失败消息",
        "Re-push failed messages",
    ),
    (
        "log.repush_failed_hint",
        "按事件时间选择日期范围（北京时间），其中所有推送失败的消息将重新推送。",
        "Every failed message whose event time falls in the dates (Beijing time) is pushed again.",
    ),
    ("log.from", "从", "From"),
    ("log.to", "至", "To"),
    (
        "log.repushed",
        "已重新加入推送队列",
        "Queued for delivery again",
    ),
    (
        "log.requeued",
        "已重新推送的失败消息数：",
        "Failed messages queued again:",
    ),
    (
        "log.bad_range",
        "请选择开始和结束日期",
        "Choose a start and an end date",
    ),
    ("msg.pending", "待推送", "Pending"),
    ("msg.delivered", "推送成功", "Delivered"),
    ("msg.failed", "推送失败", "Failed"),
    ("msg.dropped", "未推送", "Not sent"),
    ("traffic.title", "流量管理", "Traffic"),
    ("traffic.today", "今日调用量", "Calls today"),
    ("traffic.daily_quota", "日调用上限", "Daily quota"),
    ("traffic.wan", "万次", "×10,000 calls"),
    (
        "traffic.tier_set",
        "运营设置的档位",
        "tier set by an operator",
    ),
    ("traffic.tier_default", "默认档位", "default tier"),
    ("traffic.qps", "单接口 QPS 上限", "Per-method QPS cap"),
    ("traffic.resets", "今日已重置", "Resets today"),
    ("traffic.resets_left", "剩余次数：", "Left:"),
    ("traffic.sign_debug", "签名调试", "Sign debugging"),
    (
        "traffic.sign_debug_hint",
        "验签失败时返回服务端的待签名字符串",
        "A signature mismatch returns the server's string to sign",
    ),
    ("traffic.reset", "重置今日流量", "Reset today's quota"),
    (
        "traffic.reset_rule",
        "今日用量超过 60% 时可重置，每天最多 3 次，每次增加一天的额度。",
        "Allowed when more than 60% of today's quota is used, 3 times a day; each adds one day's quota.",
    ),
    (
        "traffic.reset_confirm",
        "确定重置今日流量？",
        "Reset today's quota?",
    ),
    (
        "traffic.reset_done",
        "已重置今日流量",
        "Today's quota was reset",
    ),
    ("dash.title", "数据看板", "Dashboard"),
    ("dash.range", "时间范围", "Period"),
    ("dash.last7", "最近 7 天", "Last 7 days"),
    ("dash.last30", "最近 30 天", "Last 30 days"),
    ("dash.all_methods", "全部接口", "All methods"),
    ("dash.calls", "调用量", "Calls"),
    ("dash.success", "成功", "Succeeded"),
    ("dash.success_rate", "成功率", "Success rate"),
    ("dash.push_messages", "推送消息数", "Push messages"),
    ("dash.push_rate", "推送成功率", "Push success rate"),
    (
        "dash.calls_chart",
        "每日调用量与成功率",
        "Calls and success rate per day",
    ),
    (
        "dash.push_chart",
        "每日消息推送成功率",
        "Push success rate per day",
    ),
    ("dash.legend_ok", "成功", "Succeeded"),
    ("dash.legend_failed", "失败", "Failed"),
    ("dash.legend_pending", "待推送", "Pending"),
    ("dash.per_method", "各接口调用情况", "Calls per method"),
    (
        "dash.no_calls",
        "这段时间没有调用。",
        "No calls in this period.",
    ),
    ("dash.failures", "失败的调用", "Failed calls"),
    (
        "dash.failures_hint",
        "最近的失败调用及其返回码和错误信息，可对照错误码说明排查。",
        "The latest failed calls with their result codes and messages; look the codes up in the error-code table.",
    ),
    ("dash.no_failures", "没有失败的调用。", "No failed calls."),
    ("dash.error", "错误信息", "Error"),
    (
        "test_users.hint",
        "最多 5 名测试用户（主账号及其子账号计为 1 名）；每名测试用户每天可调用 2000 次，授权 10 天后自动取消。",
        "Up to 5 test users (a merchant and its staff count once); each may make 2,000 calls a day, and an authorization ends by itself after 10 days.",
    ),
    ("test_users.link", "授权链接", "Authorization link"),
    ("test_users.copy_link", "复制链接", "Copy link"),
    (
        "test_users.link_hint",
        "把链接发给测试用户，用商家账号登录并同意授权后即建立授权关系。",
        "Send the link to the test user; once they log in with their shop account and approve, the app is authorized.",
    ),
    ("test_users.user", "用户", "User"),
    ("test_users.authorization", "授权状态", "Authorization"),
    ("test_users.actions", "操作", "Actions"),
    ("test_users.authorized", "已授权", "Authorized"),
    ("test_users.not_authorized", "未授权", "Not authorized"),
    ("test_users.refresh_code", "刷新code", "Refresh code"),
    ("test_users.copy_code", "复制code", "Copy code"),
    ("test_users.copy_token", "复制token", "Copy token"),
    ("test_users.end", "解除授权", "End authorization"),
    (
        "test_users.end_confirm",
        "确定解除该测试用户的授权？其 token 将立即失效。",
        "End this test user's authorization? Its tokens stop working at once.",
    ),
    (
        "test_users.remove_confirm",
        "确定从测试用户中移除？已有授权不会自动解除。",
        "Remove from the test users? An existing authorization is not ended by this.",
    ),
    ("test_users.valid_until", "有效期至", "Valid until"),
    (
        "test_users.code_hint",
        "code 只能使用一次，请在 2 分钟内通过 /oauth2/access_token 换取 token。",
        "A code works once; exchange it at /oauth2/access_token within 2 minutes.",
    ),
    (
        "test_users.token_hint",
        "access_token 有效 48 小时，离开本页后不再显示。",
        "The access_token lasts 48 hours and is not shown again after you leave this page.",
    ),
    (
        "test_users.code_done",
        "已刷新 code",
        "A fresh code was issued",
    ),
    (
        "test_users.token_done",
        "已签发 48 小时 token",
        "A 48 h token was issued",
    ),
    ("test_users.empty", "还没有测试用户", "No test users yet"),
    ("test_users.add", "添加测试用户", "Add test user"),
    (
        "test_users.add_placeholder",
        "商家的用户ID",
        "The merchant's user id",
    ),
    (
        "test_users.full",
        "测试用户已满 5 名，移除后才能添加。",
        "There are 5 test users already; remove one to add another.",
    ),
    ("evgroup.merchant_order", "订单消息", "Order events"),
    ("evgroup.merchant_refund", "售后消息", "After-sales events"),
    ("evgroup.merchant_item", "商品消息", "Item events"),
    (
        "evt.kwaishop_order_addOrder",
        "订单创建（待付款）",
        "Order created (awaiting payment)",
    ),
    (
        "evt.kwaishop_order_paySuccess",
        "订单支付成功",
        "Order paid",
    ),
    (
        "evt.kwaishop_order_delivering",
        "订单已发货",
        "Order shipped",
    ),
    (
        "evt.kwaishop_order_deliverySuccess",
        "订单已签收",
        "Order received by the buyer",
    ),
    (
        "evt.kwaishop_order_orderSuccess",
        "交易成功",
        "Trade succeeded",
    ),
    (
        "evt.kwaishop_order_orderFail",
        "交易失败或取消",
        "Trade failed or cancelled",
    ),
    (
        "evt.kwaishop_order_totalFeeChange",
        "订单改价（价格或运费）",
        "Order price or freight changed",
    ),
    (
        "evt.kwaishop_order_addNote",
        "商家备注或旗帜变更",
        "Seller note or flag changed",
    ),
    (
        "evt.kwaishop_order_addressChange",
        "买家修改收货地址",
        "Buyer changed the address",
    ),
    (
        "evt.kwaishop_order_addressUpdateAudit",
        "改地址审核",
        "Address change review",
    ),
    (
        "evt.kwaishop_aftersales_addRefund",
        "买家发起售后",
        "After-sales case opened",
    ),
    (
        "evt.kwaishop_aftersales_updateRefund",
        "售后单状态变更",
        "After-sales case changed",
    ),
    ("evt.kwaishop_item_addItem", "商品创建", "Item created"),
    ("evt.kwaishop_item_updateItem", "商品编辑", "Item edited"),
    (
        "evt.kwaishop_item_shelfChange",
        "商品上架或下架",
        "Item put on or taken off the shelf",
    ),
    (
        "evt.kwaishop_item_stockChange",
        "SKU 库存变更",
        "SKU stock changed",
    ),
    (
        "evt.kwaishop_item_priceChange",
        "SKU 价格变更",
        "SKU price changed",
    ),
    ("evt.kwaishop_item_deleteItem", "商品删除", "Item deleted"),
    ("dash.no_data", "暂无数据", "No data yet"),
    (
        "log.detail_hint",
        "点击“详情”查看消息内容和每次推送记录。",
        "Open “Details” to see a message's envelope and every attempt.",
    ),
    ("log.attempt_count", "推送次数", "Attempts"),
    (
        "traffic.sandbox_on",
        "沙箱中始终开启",
        "always on in the sandbox",
    ),
    ("traffic.turn_on", "开启", "Turn on"),
    ("traffic.turn_off", "关闭", "Turn off"),
    (
        "traffic.sign_debug_done",
        "签名调试设置已更新",
        "Sign debugging updated",
    ),
    ("enterprise_name", "企业名称", "Enterprise name"),
    ("done.enrolled", "已开始入驻", "Onboarding started"),
    ("done.agreement", "已同意协议", "Agreement accepted"),
    ("done.submitted", "已提交审核", "Submitted for review"),
    ("done.saved", "已保存", "Saved"),
    (
        "done.app_submitted",
        "应用已提交审核",
        "App submitted for review",
    ),
    (
        "done.app_secret_rotated",
        "appSecret 已重置，旧值在过渡期内仍然有效",
        "appSecret rotated; the old one keeps working for the overlap period",
    ),
    (
        "done.sign_secret_rotated",
        "signSecret 已重置，旧值在过渡期内仍然有效",
        "signSecret rotated; the old one keeps working for the overlap period",
    ),
    ("done.applied", "已提交权限包申请", "Package requested"),
    ("done.added", "已添加", "Added"),
    ("done.removed", "已移除", "Removed"),
    ("done.updated", "已更新", "Updated"),
    (
        "done.authorization_ended",
        "已解除授权",
        "Authorization ended",
    ),
    (
        "role.third_party.title",
        "第三方开发者",
        "Third-party developer",
    ),
    (
        "role.third_party.text",
        "对接服务市场的应用开发者：应用上架服务市场，商家订购后授权。",
        "Builds service-market apps; merchants authorize by ordering them.",
    ),
    ("role.merchant.title", "商家开发者", "Merchant developer"),
    (
        "role.merchant.text",
        "为自有店铺开发商家后台应用，仅授权用户名单内的商家可授权。需使用商家账号。",
        "Builds a back-office app for its own shops; only listed merchants may authorize it. Needs a merchant account.",
    ),
    (
        "role.distributor.title",
        "快分销团长",
        "Distribution leader",
    ),
    (
        "role.distributor.text",
        "开发快分销应用，对接自有团长账号。",
        "Builds distribution apps for its own leader account.",
    ),
    ("role.affiliate.title", "快赚客", "Affiliate"),
    (
        "role.affiliate.text",
        "开发快赚客应用，对接站外渠道。",
        "Builds affiliate apps for off-site channels.",
    ),
    ("role.partner.title", "平台合作伙伴", "Platform partner"),
    (
        "role.partner.text",
        "对接平台的软件或服务提供商，邀请入驻。",
        "Platform integrations, by invitation.",
    ),
];

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keys_are_unique_and_both_languages_filled() {
        let mut keys: Vec<&str> = TEXT.iter().map(|(k, _, _)| *k).collect();
        keys.sort_unstable();
        keys.dedup();
        assert_eq!(keys.len(), TEXT.len(), "duplicate key");
        assert!(
            TEXT.iter()
                .all(|(_, zh, en)| !zh.is_empty() && !en.is_empty())
        );
        assert_eq!(Lang::En.t("missing"), "??");
    }

    #[test]
    fn every_key_the_templates_name_exists() {
        let dir = concat!(env!("CARGO_MANIFEST_DIR"), "/templates/console");
        for entry in std::fs::read_dir(dir).expect("templates") {
            let path = entry.expect("entry").path();
            let text = std::fs::read_to_string(&path).expect("template");
            for part in text.split("chrome.t(\"").skip(1) {
                let key = part.split('"').next().unwrap_or_default();
                assert_ne!(Lang::Zh.t(key), "??", "{}: {key}", path.display());
            }
        }
    }

    #[test]
    fn every_developer_role_is_explained() {
        for lang in [Lang::Zh, Lang::En] {
            for r in kaifang_platform::developers::DeveloperRole::ALL {
                for part in ["title", "text"] {
                    let key = format!("role.{}.{part}", r.as_str());
                    assert_ne!(lang.t(&key), "??", "{key}");
                }
            }
        }
    }
}
