//! The category tree (`open.item.category`): platform-wide, three levels, items sit on leaves.
//!
//! The real tree has thousands of nodes; Kaifang ships a small fixed tree that covers the demo
//! shop's goods. Ids are stable.

use serde::Serialize;

/// One node.
#[derive(Debug, Clone, Copy, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Category {
    /// `categoryId`.
    pub category_id: i64,
    /// `categoryName`.
    pub category_name: &'static str,
    /// `categoryPid`: 0 for a root.
    pub category_pid: i64,
}

const fn n(category_id: i64, category_name: &'static str, category_pid: i64) -> Category {
    Category {
        category_id,
        category_name,
        category_pid,
    }
}

/// Every node, parents before children.
pub const CATEGORIES: &[Category] = &[
    n(1000, "服饰内衣", 0),
    n(1100, "女装", 1000),
    n(1101, "连衣裙", 1100),
    n(1102, "T恤", 1100),
    n(1103, "针织衫", 1100),
    n(1200, "男装", 1000),
    n(1201, "衬衫", 1200),
    n(1202, "夹克", 1200),
    n(2000, "食品饮料", 0),
    n(2100, "休闲零食", 2000),
    n(2101, "坚果炒货", 2100),
    n(2102, "饼干糕点", 2100),
    n(2200, "茶叶", 2000),
    n(2201, "绿茶", 2200),
    n(2202, "红茶", 2200),
    n(3000, "美妆个护", 0),
    n(3100, "面部护肤", 3000),
    n(3101, "面霜", 3100),
    n(3102, "精华", 3100),
    n(4000, "家居日用", 0),
    n(4100, "收纳整理", 4000),
    n(4101, "收纳盒", 4100),
    n(4102, "衣架", 4100),
    n(5000, "数码配件", 0),
    n(5100, "手机配件", 5000),
    n(5101, "数据线", 5100),
    n(5102, "手机壳", 5100),
];

/// The node with this id.
pub fn find(id: i64) -> Option<&'static Category> {
    CATEGORIES.iter().find(|c| c.category_id == id)
}

/// Whether the node has no children (items may only sit on leaves).
pub fn is_leaf(id: i64) -> bool {
    find(id).is_some() && !CATEGORIES.iter().any(|c| c.category_pid == id)
}

/// The leaf ids.
pub fn leaves() -> impl Iterator<Item = &'static Category> {
    CATEGORIES.iter().filter(|c| is_leaf(c.category_id))
}

/// The root of a node.
pub fn root_of(id: i64) -> i64 {
    let mut cur = id;
    while let Some(c) = find(cur) {
        if c.category_pid == 0 {
            return cur;
        }
        cur = c.category_pid;
    }
    cur
}
