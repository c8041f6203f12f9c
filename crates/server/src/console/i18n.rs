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

    /// The title of a permission package (scope) in this language, `""` for an unknown one.
    pub fn scope_title(self, scope: &str) -> &'static str {
        kaifang_platform::scopes::find(scope).map_or("", |s| match self {
            Lang::Zh => s.title_zh,
            Lang::En => s.title_en,
        })
    }

    /// The text for `key`, or `None` when the table has no such key (for optional texts such
    /// as a method's or an event's display name).
    pub fn lookup(self, key: &str) -> Option<&'static str> {
        TEXT.iter()
            .find(|(k, _, _)| *k == key)
            .map(|(_, zh, en)| if self == Lang::Zh { *zh } else { *en })
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
    ("event.bring_online", "重新上线", "Bring online"), // ---- docs centre, back office additions, consent and merchant pages (wip/docs) ----
    ("docs.title", "文档中心", "Docs centre"),
    (
        "docs.intro",
        "接口、消息、错误码和物流公司编码均由平台自身的目录生成，与网关、推送和发货接口的行为保持一致。示例请求由平台的签名代码计算，可用来核对你的签名实现。",
        "Every API, event, error code and carrier code here is generated from the platform's own catalogues, so it always matches what the gateway, the push worker and the deliver APIs do. Example requests are signed by the platform's own signing code: use them to check yours.",
    ),
    ("docs.start", "新手指南", "Getting started"),
    (
        "docs.start.tile",
        "注册、创建应用、测试用户、获取令牌、第一次调用、消息推送",
        "Sign up, create an app, add a test user, get a token, make a first call, receive pushes",
    ),
    ("docs.api", "API 文档", "API reference"),
    ("docs.apis", "个 API", "APIs"),
    ("docs.events", "消息文档", "Events"),
    ("docs.events.n", "种消息", "events"),
    (
        "docs.events.all",
        "全部消息与推送规则",
        "All events and delivery rules",
    ),
    (
        "docs.events.intro",
        "店铺数据变化时，平台把消息加密后推送到应用的推送地址。应用需开启推送、订阅消息，且商家已授予对应权限包。",
        "When shop data changes, the platform pushes an encrypted message to the app's push URL. The app must have push switched on and the event subscribed, and the merchant must have granted the event's permission package.",
    ),
    ("docs.errors", "错误码", "Error codes"),
    ("docs.errors.all", "全部错误码", "All error codes"),
    ("docs.codes", "个错误码", "codes"),
    ("docs.carriers", "物流公司编码", "Carrier codes"),
    ("docs.carriers.n", "家物流公司", "carriers"),
    ("docs.carriers.retired_n", "家已停用", "retired"),
    (
        "docs.carriers.intro",
        "发货、修改物流和追加包裹接口的 expressCode 取下表编码。已停用的编码会被拒绝（错误码 11），请改用其后标注的编码。",
        "expressCode of the deliver, logistics-update and package-append APIs takes a code from this table. Retired codes are rejected (error 11): use the code named after them instead.",
    ),
    ("docs.retired", "已停用", "Retired"),
    ("docs.reference", "参考", "Reference"),
    ("docs.groups", "按权限包分组", "by permission package"),
    ("docs.method", "API 名称", "Method"),
    ("docs.name", "名称", "Name"),
    ("docs.event", "消息", "Event"),
    ("docs.meaning", "含义", "Meaning"),
    ("docs.path", "路径", "Path"),
    ("docs.http", "请求方式", "HTTP method"),
    (
        "docs.http.note",
        "（GET 与 POST 均可，POST 时参数放在表单请求体中）",
        "(GET and POST both work; with POST, send the parameters as a form body)",
    ),
    ("docs.version", "版本", "Version"),
    ("docs.scope", "权限包", "Permission package"),
    ("docs.needs_user", "需商家授权", "Merchant authorization"),
    (
        "docs.needs_user.yes",
        "使用商家授权（授权码流程）获得的 access_token；client_credentials 令牌会返回错误码 26。",
        "Use an access_token from the merchant's consent (authorization-code flow); a client_credentials token gets error 26.",
    ),
    (
        "docs.needs_user.no",
        "client_credentials 令牌即可调用。",
        "A client_credentials token works.",
    ),
    ("docs.limits", "流量限制", "Traffic limits"),
    ("docs.app_qps", "每应用 QPS 上限", "QPS per app"),
    ("docs.app_tier", "应用的 QPS 梯度", "The app's QPS tier"),
    ("docs.default", "默认", "default"),
    ("docs.user_qps", "每用户 QPS 上限", "QPS per user"),
    (
        "docs.user_daily",
        "每用户每日调用上限",
        "Daily calls per user",
    ),
    (
        "docs.user_daily.code",
        "超出返回错误码 1017",
        "error 1017 when used up",
    ),
    ("docs.unlimited", "不限", "No cap"),
    ("docs.app_daily", "应用每日调用总量", "Daily calls per app"),
    (
        "docs.app_daily.note",
        "（所有 API 合计；运营可调整流量梯度，用量超过 60% 时每天可重置 3 次）",
        "(all APIs together; operators set higher tiers; above 60 % usage it can be reset 3 times a day)",
    ),
    ("docs.prelaunch", "上线前", "before launch"),
    ("docs.launched", "上线后", "after launch"),
    (
        "docs.test_user_daily",
        "每个测试用户每日调用量",
        "Daily calls per test user",
    ),
    (
        "docs.test_user_daily.note",
        "（每个应用；主账号与子账号合计）",
        "(per app; a main account and its staff count together)",
    ),
    (
        "docs.sandbox_limits",
        "当前为沙箱模式：调用量与 QPS 按最高梯度放宽，便于开发测试。",
        "This server runs in sandbox mode: daily caps and QPS are relaxed to the top tier for development.",
    ),
    (
        "docs.biz_params",
        "业务参数（param 中的 JSON 字段）",
        "Business parameters (fields of the param JSON)",
    ),
    (
        "docs.system_params",
        "公共参数（每次调用都要传，参与签名）",
        "System parameters (sent with every call and signed)",
    ),
    (
        "docs.no_params",
        "无业务参数：param 传 {}。",
        "No business parameters: send param={}.",
    ),
    (
        "docs.response",
        "响应参数（data 中的字段）",
        "Response fields (inside data)",
    ),
    (
        "docs.no_response",
        "成功时 result 为 1，data 为 null。",
        "On success result is 1 and data is null.",
    ),
    ("docs.field", "字段", "Field"),
    ("docs.type", "类型", "Type"),
    ("docs.required", "必填", "Required"),
    ("docs.description", "说明", "Description"),
    ("docs.example", "示例", "Example"),
    ("docs.example_request", "示例请求", "Example request"),
    (
        "docs.example_note",
        "以下示例用虚构凭证签名；换成你的 appkey、signSecret、access_token 和当前毫秒时间戳即可调用：",
        "The example is signed with made-up credentials; put in your appkey, signSecret, access_token and the current time in milliseconds to call it:",
    ),
    ("docs.string_to_sign", "待签名字符串", "String to sign"),
    ("docs.sign", "签名 sign", "Signature (sign)"),
    (
        "docs.sign.hmac",
        "HMAC-SHA256（密钥为 signSecret），Base64 编码",
        "HMAC-SHA256 keyed with signSecret, Base64",
    ),
    (
        "docs.sign.md5",
        "MD5，32 位小写十六进制",
        "MD5, 32 lower-case hex digits",
    ),
    ("docs.get_url", "GET 请求", "GET request"),
    (
        "docs.curl",
        "POST 表单请求（curl）",
        "POST form request (curl)",
    ),
    ("docs.example_response", "示例响应", "Example responses"),
    ("docs.success", "成功", "Success"),
    (
        "docs.failure",
        "失败（签名不符）",
        "Failure (signature mismatch)",
    ),
    (
        "docs.no_such_api",
        "没有这个 API：请从文档中心的列表中选择。",
        "There is no such API: pick one from the docs centre's list.",
    ),
    (
        "docs.no_such_event",
        "没有这个消息：请从消息文档的列表中选择。",
        "There is no such event: pick one from the list of events.",
    ),
    (
        "docs.sys.appkey",
        "应用的 appKey（控制台-应用详情）",
        "The app's appKey (console, app details)",
    ),
    (
        "docs.sys.method",
        "API 名称，与路径一致，如 open.item.get 对应 /open/item/get",
        "The API name, matching the path: open.item.get is called at /open/item/get",
    ),
    ("docs.sys.version", "固定为 1", "Always 1"),
    (
        "docs.sys.param",
        "业务参数的 JSON 字符串；签名使用原样发送的字符串",
        "The business parameters as one JSON string; the signature covers it exactly as sent",
    ),
    (
        "docs.sys.access_token",
        "商家授权后获得的令牌（48 小时有效）",
        "The token from the merchant's consent (valid 48 hours)",
    ),
    (
        "docs.sys.timestamp",
        "当前 Unix 时间，毫秒；与服务器时间相差不超过 10 分钟",
        "The current Unix time in milliseconds, within 10 minutes of the server's clock",
    ),
    (
        "docs.sys.signMethod",
        "MD5 或 HMAC_SHA256（推荐）",
        "MD5 or HMAC_SHA256 (recommended)",
    ),
    (
        "docs.sys.sign",
        "以上 7 个参数按名称排序拼接，再拼上 &signSecret=<signSecret> 后计算的签名",
        "The signature over the seven parameters above, sorted by name and joined, followed by &signSecret=<signSecret>",
    ),
    ("docs.subscribe", "如何接收", "How to receive it"),
    (
        "docs.subscribe.how",
        "在控制台的推送设置中填写推送地址、打开推送开关并订阅此消息；商家需已授予上面的权限包。",
        "In the console's push settings, set a push URL, switch push on and subscribe to this event; the merchant must have granted the package above.",
    ),
    ("docs.info_fields", "info 字段", "info fields"),
    (
        "docs.info_fields.note",
        "info 在报文中是一个 JSON 字符串，解析后含以下字段。",
        "info travels as a JSON string inside the envelope; parsed, it holds these fields.",
    ),
    (
        "docs.envelope",
        "推送报文（解密后）",
        "Push envelope (after decryption)",
    ),
    (
        "docs.envelope.note",
        "一条消息投递给一个应用时的明文；openId 和 buyerOpenId 按开发者生成。",
        "The plaintext of one message to one app; openId and buyerOpenId are per developer.",
    ),
    (
        "docs.encrypted",
        "推送请求体（加密后）",
        "Request body (encrypted)",
    ),
    (
        "docs.encrypted.note",
        "POST，Content-Type 为 text/plain;charset=utf-8。AES-128-CBC，IV 为 16 个零字节，PKCS#7 填充，再 Base64；密钥为消息密钥 Base64 解码后的 16 字节。示例消息密钥：",
        "POST, Content-Type text/plain;charset=utf-8. AES-128-CBC with a zero IV and PKCS#7 padding, then Base64; the key is the push key Base64-decoded (16 bytes). Example push key:",
    ),
    ("docs.receipt", "应答", "Receipt"),
    ("docs.delivery", "推送规则", "Delivery rules"),
    (
        "docs.delivery.post",
        "平台以 POST 把加密后的报文发到推送地址，请求体是一个 Base64 字符串。",
        "The platform POSTs the encrypted envelope to the push URL; the body is one Base64 string.",
    ),
    (
        "docs.delivery.filters",
        "只推送给：已上线（测试工具除外）、已开启推送、已订阅该消息，且商家已授予对应权限包的应用。",
        "Only to apps that are online (except the test tool), have push switched on, subscribed to the event, and whose merchant granted its package.",
    ),
    (
        "docs.delivery.receipt",
        "应用须在 3 秒内返回 HTTP 200 和 {\"result\":1}，否则视为失败。",
        "The app must answer HTTP 200 with {\"result\":1} within 3 seconds; anything else is a failure.",
    ),
    (
        "docs.delivery.retry",
        "失败后分别在 5、10、20、30、60 分钟后重试，仍失败则记为失败，可在控制台的消息日志中手动重推。",
        "Failures are retried after 5, 10, 20, 30 and 60 minutes; after that the message is failed and can be re-pushed from the console's message log.",
    ),
    (
        "docs.delivery.heartbeat",
        "平台定期发送 {\"test\":true} 心跳（同样加密）；地址无法访问时暂停推送，恢复后继续。",
        "The platform sends {\"test\":true} heartbeats (encrypted too); an unreachable URL is paused and resumed when it answers again.",
    ),
    (
        "docs.delivery.idempotent",
        "投递至少一次，可能重复：请按 eventId 去重，并以 API 查询作为兜底。",
        "Delivery is at least once and may repeat: deduplicate by eventId and poll the APIs as a backstop.",
    ),
    (
        "docs.errors.intro",
        "调用失败时 result 为下表中的错误码，error_msg 说明原因和处理方法，sub_code 为错误名称。OAuth 接口使用单独的错误码。",
        "A failed call carries one of these codes in result, with error_msg saying what went wrong and how to fix it, and the error's name in sub_code. The OAuth endpoints have codes of their own.",
    ),
    ("docs.errors.shape", "错误响应示例", "An error response"),
    ("docs.errors.ranges", "编码分段", "Code ranges"),
    (
        "docs.errors.r1",
        "请求格式与参数",
        "request format and parameters",
    ),
    ("docs.errors.r2", "应用与签名", "app and signature"),
    ("docs.errors.r3", "令牌与权限", "token and permissions"),
    ("docs.errors.r4", "流量限制", "traffic limits"),
    ("docs.errors.r5", "平台内部错误", "platform fault"),
    (
        "docs.errors.r6",
        "其余编码沿用平台原有编号（如 24、26、1017、3000xx）",
        "other codes keep the platform's own numbers (24, 26, 1017, 3000xx …)",
    ),
    ("docs.api_errors", "API 错误码", "API error codes"),
    ("docs.oauth_errors", "OAuth 错误码", "OAuth error codes"),
    (
        "docs.oauth_errors.note",
        "/oauth2/access_token 和 /oauth2/refresh_token 失败时返回 result、error 和 error_msg。",
        "/oauth2/access_token and /oauth2/refresh_token answer failures with result, error and error_msg.",
    ),
    ("docs.code", "错误码", "Code"),
    ("docs.message", "错误信息", "Message"),
    ("docs.fix", "处理建议", "What to do"),
    ("docs.source", "来源", "Source"),
    ("docs.source.kaifang", "本平台分配", "Kaifang"),
    ("docs.source.platform", "平台原编码", "Platform"),
    (
        "start.intro",
        "从注册到收到第一条推送消息，按下面的顺序操作即可。每一步都可以在本平台的沙箱中完成。",
        "From signing up to receiving your first pushed message, in order. Every step works in this platform's sandbox.",
    ),
    (
        "start.1",
        "注册并完成开发者入驻",
        "Sign up and complete onboarding",
    ),
    (
        "start.1.body",
        "注册开发者账号后，在开发者控制台同意开发者协议、选择开发者角色（第三方开发者、商家开发者等），填写法人、企业和管理员信息并提交审核。运营审核通过后即可创建应用；驳回时会写明原因，修改后可重新提交。",
        "Create a developer account, then in the developer console accept the agreement, choose a role (third-party ISV, merchant developer, …), fill in the legal person, enterprise and administrator, and submit. Once an operator approves you can create apps; a rejection says why, and you can fix and resubmit.",
    ),
    ("start.2", "创建应用", "Create an app"),
    (
        "start.2.body",
        "在应用中心按类目创建应用，填写名称、说明和回调地址（授权完成后跳转的地址）。应用审核通过后，平台分配 appKey、appSecret 和 signSecret。",
        "In the app centre, create an app under a category with its name, description and callback URL (where the merchant returns after consenting). Once the app is approved the platform issues its appKey, appSecret and signSecret.",
    ),
    (
        "start.2.secrets",
        "appSecret 用于换取令牌，signSecret 用于给 API 调用签名；二者需输入登录密码后才会显示，可随时重置。",
        "The appSecret exchanges codes for tokens; the signSecret signs API calls. Both show only after you re-enter your password, and can be rotated.",
    ),
    (
        "start.2.packages",
        "应用默认拥有基础权限包；其他权限包（订单、商品、售后等）在应用详情中申请，审核通过后可用。",
        "Apps start with the base packages; request others (orders, items, refunds, …) on the app page, and use them once approved.",
    ),
    (
        "start.3",
        "添加测试用户并授权",
        "Add a test user and authorize",
    ),
    (
        "start.3.body",
        "上线前，只有测试用户可以授权应用。在应用详情中添加测试用户（商家的用户 ID），再把授权链接发给该商家；商家登录并同意后，浏览器带着 code 跳转回回调地址。",
        "Before launch only test users may authorize the app. Add the merchant's user id as a test user on the app page and send them the authorization link; after they log in and approve, the browser returns to your callback URL with a code.",
    ),
    ("start.3.limit", "测试用户最多", "Test users at most"),
    ("start.3.calls", "每人每天调用", "calls a day each"),
    (
        "start.3.days",
        "授权 10 天后自动失效",
        "the authorization ends after 10 days",
    ),
    (
        "start.3.code",
        "code 只能使用一次，2 分钟内有效。",
        "A code works once and lasts 2 minutes.",
    ),
    (
        "start.4",
        "用 code 换取 access_token",
        "Exchange the code for an access_token",
    ),
    (
        "start.4.body",
        "用 appKey、appSecret 和 code 请求令牌接口，得到 access_token（48 小时有效）和 refresh_token（180 天内可刷新，每次刷新都会换发新的 refresh_token）。",
        "Call the token endpoint with the appKey, appSecret and code to get an access_token (valid 48 hours) and a refresh_token (refreshable for 180 days; every refresh issues a new refresh_token).",
    ),
    (
        "start.4.copy",
        "开发测试时，也可以在测试用户列表中直接“刷新 code”或“复制 token”。",
        "While testing you can also use \"refresh code\" or \"copy token\" in the test-user list.",
    ),
    (
        "start.5",
        "签名并发起第一次调用",
        "Sign and make your first call",
    ),
    (
        "start.5.body",
        "把 7 个公共参数按名称排序，以 key=value 用 & 连接，末尾加上 &signSecret=<signSecret>，用 HMAC_SHA256（推荐）或 MD5 计算签名，作为 sign 一并发送。下面是用示例凭证计算的结果。",
        "Sort the seven system parameters by name, join them as key=value with &, append &signSecret=<signSecret>, and sign the string with HMAC_SHA256 (recommended) or MD5; send the result as sign. Below, the same with the example credentials.",
    ),
    ("start.6", "接收消息推送", "Receive pushed events"),
    (
        "start.6.body",
        "在应用的推送设置中填写推送地址、打开推送开关、订阅需要的消息。平台用消息密钥加密报文后 POST 到推送地址；解密后处理，并及时返回回执。",
        "In the app's push settings, set a push URL, switch push on and subscribe to the events you need. The platform encrypts each message with the app's push key and POSTs it to the URL; decrypt it, handle it and answer with a receipt.",
    ),
    ("start.7", "上线", "Go live"),
    (
        "start.7.body",
        "开发完成后发起安全扫描，扫描通过后提交上线审核；上线后商家即可授权使用。在数据看板中查看每个 API 的调用量和成功率，成功率偏低时对照错误码排查。",
        "When you are done, start the security scan; once it passes, submit for launch review. After launch merchants can authorize the app. The dashboard shows calls and success rate per API; when the rate drops, look the codes up in the error table.",
    ),
    ("api.open.user.info.get", "获取用户信息", "User information"),
    (
        "api.open.user.seller.get",
        "获取商家信息",
        "Seller information",
    ),
    ("api.open.shop.info.get", "获取店铺信息", "Shop information"),
    ("api.open.item.list.get", "获取商品列表", "List items"),
    ("api.open.item.get", "获取商品详情", "Item details"),
    (
        "api.open.order.cursor.list",
        "游标获取订单列表",
        "List orders by cursor",
    ),
    ("api.open.order.detail", "获取订单详情", "Order details"),
    (
        "api.open.seller.order.goods.deliver",
        "订单发货",
        "Ship an order",
    ),
    ("api.open.seller.order.close", "关闭订单", "Close an order"),
    ("api.open.item.category", "获取商品类目", "Item categories"),
    (
        "api.open.seller.order.refund.pcursor.list",
        "获取售后单列表",
        "List refunds",
    ),
    (
        "api.open.seller.order.refund.detail",
        "获取售后单详情",
        "Refund details",
    ),
    (
        "api.open.refund.reject.reason",
        "获取拒绝退款原因",
        "Refund rejection reasons",
    ),
    (
        "api.open.seller.order.refund.approve",
        "同意退款",
        "Approve a refund",
    ),
    (
        "api.open.seller.order.logistics.update",
        "修改物流单号",
        "Change a waybill",
    ),
    (
        "api.open.seller.order.goods.logistics.append",
        "追加包裹",
        "Add a package",
    ),
    (
        "api.open.seller.order.note.add",
        "添加订单备注",
        "Add a seller note",
    ),
    ("api.open.item.new", "新建商品", "Create an item"),
    ("api.open.item.edit", "编辑商品", "Edit an item"),
    ("api.open.item.delete", "删除商品", "Delete an item"),
    (
        "api.open.item.shelf.status.update",
        "商品上下架",
        "Shelf on or off",
    ),
    (
        "api.open.item.sku.stock.update",
        "修改 SKU 库存",
        "Change SKU stock",
    ),
    (
        "api.open.item.sku.price.update",
        "修改 SKU 价格",
        "Change SKU price",
    ),
    (
        "api.open.seller.order.refund.returngoods.approve",
        "同意退货",
        "Approve a return",
    ),
    ("api.open.refund.reject", "拒绝退款", "Reject a refund"),
    (
        "api.open.seller.order.refund.confirm.receipt",
        "确认收到退货",
        "Confirm returned goods",
    ),
    ("msg.kwaishop_order_addOrder", "订单创建", "Order created"),
    (
        "msg.kwaishop_order_paySuccess",
        "订单支付成功",
        "Order paid",
    ),
    (
        "msg.kwaishop_order_delivering",
        "订单已发货",
        "Order shipped",
    ),
    (
        "msg.kwaishop_order_deliverySuccess",
        "订单已签收",
        "Order received",
    ),
    (
        "msg.kwaishop_order_orderSuccess",
        "交易成功",
        "Trade succeeded",
    ),
    ("msg.kwaishop_order_orderFail", "交易关闭", "Trade closed"),
    (
        "msg.kwaishop_order_totalFeeChange",
        "订单改价",
        "Order price changed",
    ),
    (
        "msg.kwaishop_order_addNote",
        "订单备注变更",
        "Seller note changed",
    ),
    (
        "msg.kwaishop_order_addressChange",
        "收货地址变更",
        "Address changed",
    ),
    (
        "msg.kwaishop_order_addressUpdateAudit",
        "改地址审核",
        "Address change review",
    ),
    (
        "msg.kwaishop_aftersales_addRefund",
        "售后单创建",
        "Refund opened",
    ),
    (
        "msg.kwaishop_aftersales_updateRefund",
        "售后单变更",
        "Refund updated",
    ),
    ("msg.kwaishop_item_addItem", "商品创建", "Item created"),
    ("msg.kwaishop_item_updateItem", "商品编辑", "Item edited"),
    (
        "msg.kwaishop_item_shelfChange",
        "商品上下架",
        "Shelf status changed",
    ),
    ("msg.kwaishop_item_stockChange", "库存变更", "Stock changed"),
    (
        "msg.kwaishop_item_priceChange",
        "价格变更",
        "SKU price changed",
    ),
    ("msg.kwaishop_item_deleteItem", "商品删除", "Item deleted"),
    (
        "scope.user_base.what",
        "识别你的账号（open_id），不含其他信息",
        "Recognise your account (its open id), nothing else",
    ),
    (
        "scope.user_info.what",
        "读取你的昵称和头像",
        "Read your display name and avatar",
    ),
    (
        "scope.merchant_user.what",
        "读取你的商家信息和店铺基本信息",
        "Read your seller profile and basic shop information",
    ),
    (
        "scope.merchant_item.what",
        "读取和管理店铺商品、SKU、库存与价格，接收商品变更消息",
        "Read and manage your items, SKUs, stock and prices; receive item change messages",
    ),
    (
        "scope.merchant_order.what",
        "读取订单（收货人信息只以加密和脱敏形式提供）、发货、修改物流和备注，接收订单消息",
        "Read orders (consignee details only encrypted and masked), ship them, change waybills and notes; receive order messages",
    ),
    (
        "scope.merchant_refund.what",
        "读取和处理售后单（同意、拒绝、确认收货），接收售后消息",
        "Read and handle refunds (approve, reject, confirm returns); receive refund messages",
    ),
    (
        "scope.merchant_logistics.what",
        "读取物流公司和退货地址",
        "Read carriers and your return addresses",
    ),
    (
        "scope.merchant_distribution.what",
        "读取和管理分销推广数据",
        "Read and manage distribution data",
    ),
    (
        "scope.merchant_promotion.what",
        "读取和管理营销活动",
        "Read and manage promotions",
    ),
    (
        "scope.merchant_servicemarket.what",
        "读取你在服务市场的订购信息",
        "Read your service-market subscriptions",
    ),
    (
        "scope.merchant_comment.what",
        "读取和回复买家评价",
        "Read and answer buyer reviews",
    ),
    (
        "scope.merchant_cs.what",
        "处理客服会话",
        "Handle customer-service conversations",
    ),
    ("consent.title", "应用授权", "Authorize an app"),
    (
        "consent.asks",
        "请求访问你的店铺",
        "asks to access your shop",
    ),
    ("consent.failed", "授权失败", "Authorization failed"),
    (
        "consent.scopes",
        "授权后，该应用可以：",
        "If you approve, the app may:",
    ),
    (
        "consent.return_to",
        "授权后将返回：",
        "Afterwards you return to:",
    ),
    (
        "consent.login",
        "登录商家账号后继续",
        "Log in with your shop account to continue",
    ),
    ("consent.as", "当前账号", "Logged in as"),
    (
        "consent.other_account",
        "可用其他账号登录",
        "you may log in with another account",
    ),
    ("consent.approve", "同意授权", "Approve"),
    ("consent.decline", "拒绝", "Decline"),
    (
        "consent.revoke_hint",
        "授权后可随时在商家中心的“已授权应用”中取消。",
        "You can revoke it at any time under Authorized apps in the merchant centre.",
    ),
    (
        "consent.session_ended",
        "登录已过期，请重新登录。",
        "Your session has ended: log in again.",
    ),
    (
        "consent.csrf",
        "表单已失效或并非来自本页面，请重新打开授权链接。",
        "The form expired or did not come from this page: open the authorization link again.",
    ),
    (
        "merchant.auth.hint",
        "这些应用可以按授权范围访问你的店铺。取消授权后，应用的令牌立即失效且无法再刷新。",
        "These apps may access your shop within the scopes shown. Revoking stops the app's tokens at once; they cannot be refreshed.",
    ),
    (
        "merchant.auth.none",
        "还没有应用获得你的授权。",
        "No app has your authorization yet.",
    ),
    ("merchant.auth.active", "生效中", "Active"),
    ("merchant.auth.revoked", "已取消", "Revoked"),
    ("merchant.auth.expired", "已到期", "Expired"),
    ("merchant.source", "来源", "Source"),
    (
        "merchant.source.test",
        "测试用户（10 天）",
        "Test user (10 days)",
    ),
    ("merchant.source.authorized", "授权用户", "Authorized user"),
    (
        "merchant.source.market",
        "服务市场订购",
        "Service-market order",
    ),
    ("merchant.granted_at", "授权时间", "Granted"),
    ("merchant.no_end", "长期", "No end"),
    (
        "merchant.staff.hint",
        "子账号可代表店铺登录并授权应用；主账号与其子账号在测试用户名额中计为一个。",
        "Staff accounts can log in and authorize apps for the shop; a main account and its staff count as one test user.",
    ),
    (
        "merchant.staff.none",
        "还没有子账号。",
        "No staff accounts yet.",
    ),
    ("merchant.staff.enabled", "启用中", "Active"),
    ("merchant.staff.disabled", "已停用", "Disabled"),
    (
        "merchant.staff.self",
        "你正以子账号登录。应用授权和子账号由主账号在商家中心管理。",
        "You are logged in with a staff account. The main account manages app authorizations and staff accounts.",
    ),
    ("admin.queues", "审核队列", "Review queues"),
    ("admin.developers", "开发者", "Developers"),
    (
        "admin.developers.q",
        "企业名称 / 邮箱 / 执照号 / ID",
        "Enterprise / e-mail / licence / id",
    ),
    ("admin.apps", "应用", "Apps"),
    ("admin.any_state", "全部状态", "Any state"),
    ("admin.results", "条结果", "results"),
    (
        "admin.no_results",
        "没有符合条件的记录。",
        "Nothing matches.",
    ),
    ("admin.submitted_at", "提交时间", "Submitted"),
    ("admin.created_at", "创建时间", "Created"),
    ("admin.online_at", "上线时间", "Launched"),
    ("admin.their_apps", "查看应用", "Apps"),
    ("admin.developer", "开发者", "Developer"),
    ("admin.app_info", "应用信息", "App"),
    ("admin.traffic", "流量梯度", "Traffic tiers"),
    ("admin.daily_quota", "每日调用量", "Daily calls"),
    ("admin.per_day", "次/天", "a day"),
    ("admin.used_today", "今日已用", "Used today"),
    ("admin.resets", "今日重置", "resets today"),
    ("admin.qps", "每个 API 的 QPS", "QPS per API"),
    ("admin.wan", "万次/天", "×10k a day"),
    ("admin.tier.daily", "每日调用量梯度", "Daily tier"),
    ("admin.tier.qps", "QPS 梯度", "QPS tier"),
    ("admin.tier.default", "默认", "Default"),
    ("admin.tier.prelaunch", "上线前梯度", "pre-launch tier"),
    ("admin.tier.save", "保存梯度", "Save tiers"),
    ("admin.tier.hint", "修改立即生效。", "Takes effect at once."),
    ("admin.tier.saved", "流量梯度已更新", "Traffic tiers saved"),
    (
        "admin.tier.bad",
        "梯度必须是列表中的数值",
        "A tier must be one of the listed values",
    ),
    (
        "admin.app_calls",
        "近 14 天调用",
        "Calls in the last 14 days",
    ),
    ("dash.period", "统计周期", "Period"),
    ("dash.days", "天", "days"),
    ("dash.calls", "调用量", "Calls"),
    ("dash.calls_today", "今日调用量", "Calls today"),
    ("dash.calls_period", "调用总量", "Calls"),
    ("dash.success_rate", "成功率", "Success rate"),
    ("dash.push_rate", "推送成功率", "Push success rate"),
    ("dash.messages", "条消息", "messages"),
    ("dash.calls_per_day", "每日调用量", "Calls per day"),
    (
        "dash.rate_per_day",
        "每日调用成功率",
        "Success rate per day",
    ),
    ("dash.by_method", "各 API 调用量", "Calls per API"),
    ("dash.top_apps", "调用量最多的应用", "Top apps by calls"),
    (
        "dash.push_per_day",
        "每日推送消息数",
        "Messages pushed per day",
    ),
    (
        "dash.push_rate_per_day",
        "每日推送成功率",
        "Push success rate per day",
    ),
    (
        "dash.no_calls",
        "这段时间没有调用。",
        "No calls in this period.",
    ),
    ("dash.queues", "待处理", "Waiting"),
    ("dash.outbox", "待分发事件", "Events to fan out"),
    ("dash.push_pending", "待推送消息", "Messages to deliver"),
    ("dash.push_failed", "推送失败消息", "Failed messages"),
    ("dash.paused", "已暂停的推送地址", "Paused push URLs"),
    (
        "dash.no_push",
        "这段时间没有推送消息。",
        "No messages pushed in this period.",
    ),
    (
        "admin.tier.by_state",
        "默认（按应用状态）",
        "Default (by the app's state)",
    ),
    (
        "admin.tier.defaults",
        "默认每日调用量：",
        "Default daily calls:",
    ),
    (
        "admin.tier.sandbox",
        "沙箱模式按最高梯度放宽",
        "relaxed to the top tier in sandbox mode",
    ),
    // Developer tools and app operations pages (API and message test tools, push settings,
    // message log, traffic, dashboard, test users, onboarding texts).
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
    ("dash.range", "时间范围", "Period"),
    ("dash.last7", "最近 7 天", "Last 7 days"),
    ("dash.last30", "最近 30 天", "Last 30 days"),
    ("dash.all_methods", "全部接口", "All methods"),
    ("dash.success", "成功", "Succeeded"),
    ("dash.push_messages", "推送消息数", "Push messages"),
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
    ("dash.legend_failed", "失败", "Failed"),
    ("dash.per_method", "各接口调用情况", "Calls per method"),
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
    ("tool.docs", "文档", "Docs"),
    ("dash.error_table", "错误码说明", "Error codes"),
    // Named by admin_app.html but missing from the table (found by the template-key test).
    ("admin.effective", "实际生效：", "in effect:"),
    // Texts that pages wrote in both languages at once, and the error page's title.
    ("error", "出错了", "Error"),
    (
        "merchant.only",
        "商家中心仅供商家及其员工账号使用",
        "The merchant centre is for merchants and their staff",
    ),
    (
        "page_expired",
        "页面已过期，请刷新后重试",
        "This page has expired; reload it and try again",
    ),
    (
        "merchant.developer_hint",
        "想为自己的店铺开发应用？开通商家开发者，即可创建应用并使用测试工具。",
        "Want to build an app for your own shop? Enroll as a merchant developer to create apps and use the test tools.",
    ),
    (
        "merchant.developer_link",
        "成为商家开发者",
        "Become a merchant developer",
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
