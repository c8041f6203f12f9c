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
}
