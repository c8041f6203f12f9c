//! The carrier table (`expressCode`), all 154 entries of the platform page 物流公司编号, as data.
//!
//! # Which codes are retired
//!
//! The platform marks retired carriers with strikethrough, which the mirror lost (protocol-notes
//! §7, §8 question 8). Kaifang retires exactly the codes the page says were merged into another:
//!
//! | retired | name | use instead |
//! |---|---|---|
//! | 1 | 百世快递 | 109 极兔速递 (merged) |
//! | 13 | 圆通快运 | 6 圆通速递 (merged) |
//!
//! Renamed carriers keep their code (113 丹鸟 -> 菜鸟速递, 128 中州物流 -> 一站通速运). The deliver
//! APIs reject retired and unknown codes with [`kaifang_wire::errors::ApiError::ShippingRuleRejected`].

use kaifang_wire::errors::ApiError;

use crate::{Error, Result};

/// One carrier.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
pub struct Carrier {
    /// `expressCode`.
    pub code: i64,
    /// The name on the platform's page.
    pub name: &'static str,
    /// Retired: deliveries with this code are rejected.
    pub retired: bool,
    /// For a retired carrier, the code to use instead.
    pub replaced_by: Option<i64>,
}

const fn c(code: i64, name: &'static str) -> Carrier {
    Carrier {
        code,
        name,
        retired: false,
        replaced_by: None,
    }
}

const fn retired(code: i64, name: &'static str, replaced_by: i64) -> Carrier {
    Carrier {
        code,
        name,
        retired: true,
        replaced_by: Some(replaced_by),
    }
}

/// Every carrier, in the page's order.
pub const CARRIERS: &[Carrier] = &[
    retired(1, "百世快递", 109),
    c(2, "EMS"),
    c(3, "申通快递"),
    c(4, "顺丰速运"),
    c(5, "天天快递"),
    c(6, "圆通速递"),
    c(7, "韵达快运"),
    c(8, "邮政快递包裹"),
    c(9, "中通快递"),
    c(10, "宅急送"),
    c(11, "韵达快递"),
    c(12, "中通快运"),
    retired(13, "圆通快运", 6),
    c(14, "京东"),
    c(15, "优速物流"),
    c(17, "德邦"),
    c(18, "民航快递"),
    c(19, "快捷速递"),
    c(20, "DHL中国件"),
    c(21, "凡宇快递"),
    c(22, "凡客配送"),
    c(23, "国通快递"),
    c(24, "佳吉快运"),
    c(25, "跨越速运"),
    c(26, "民邦速递"),
    c(27, "全晨快递"),
    c(28, "全一快递"),
    c(29, "如风达"),
    c(30, "圣安物流"),
    c(31, "速尔快递"),
    c(32, "盛辉物流"),
    c(33, "万象物流"),
    c(34, "新邦物流"),
    c(35, "中铁快运"),
    c(36, "信丰物流"),
    c(37, "远成物流"),
    c(38, "运通中港"),
    c(39, "增益速递"),
    c(40, "安能快递"),
    c(41, "AAE"),
    c(42, "Aramex"),
    c(43, "安能快运（安能物流）"),
    c(44, "安得物流"),
    c(45, "安迅物流"),
    c(46, "安捷物流"),
    c(47, "Xlobo贝海国际"),
    c(48, "百世快运"),
    c(49, "斑马物流"),
    c(50, "传喜物流"),
    c(51, "承诺达"),
    c(52, "成都东骏物流"),
    c(53, "德邦快递"),
    c(54, "大田物流"),
    c(55, "递四方"),
    c(56, "当当"),
    c(57, "D速快递"),
    c(58, "EMS-国际件"),
    c(59, "EWE全球快递"),
    c(61, "飞豹快递"),
    c(62, "飞洋快递"),
    c(63, "高捷快运"),
    c(64, "海外环球"),
    c(65, "黄马甲"),
    c(66, "黑猫宅急便"),
    c(67, "汇通天下物流"),
    c(68, "环球速运"),
    c(69, "恒路物流"),
    c(70, "京东订单"),
    c(71, "九曳供应链"),
    c(72, "加运美"),
    c(73, "佳怡物流"),
    c(74, "京广速递"),
    c(75, "加州猫速递"),
    c(76, "龙邦速递"),
    c(77, "联邦快递"),
    c(78, "联昊通"),
    c(79, "日日顺物流"),
    c(80, "晟邦物流"),
    c(81, "苏宁物流"),
    c(82, "苏宁订单"),
    c(83, "盛丰物流"),
    c(84, "速必达"),
    c(85, "申通国际"),
    c(86, "顺心捷达"),
    c(87, "商桥物流"),
    c(88, "天地华宇"),
    c(89, "USPS"),
    c(90, "UPS"),
    c(91, "微特派"),
    c(92, "万家物流"),
    c(93, "亚马逊中国"),
    c(94, "远成快运"),
    c(95, "亚风速递"),
    c(96, "燕文物流"),
    c(97, "邮政标准快递"),
    c(98, "优邦速运"),
    c(99, "易客满"),
    c(100, "壹米滴答"),
    c(101, "一智通"),
    c(102, "芝麻开门"),
    c(103, "中邮速递"),
    c(104, "中铁物流"),
    c(105, "中粮鲜到家物流"),
    c(106, "中外运速递"),
    c(107, "卓志速运"),
    c(108, "TNT"),
    c(109, "极兔速递"),
    c(110, "全时速运"),
    c(111, "特急送"),
    c(112, "众邮快递"),
    c(113, "菜鸟速递"),
    c(114, "安鲜达"),
    c(115, "韩国邮政"),
    c(116, "龙邦速递"),
    c(117, "易达通快递"),
    c(118, "林氏物流"),
    c(119, "EMS包裹"),
    c(120, "中通国际"),
    c(121, "新顺丰(NSF)"),
    c(122, "澳邮中国快运"),
    c(123, "圆通国际"),
    c(124, "方舟速递"),
    c(125, "联合速递"),
    c(126, "海信物流"),
    c(127, "丰网速运"),
    c(128, "一站通速运"),
    c(129, "快弟来了"),
    c(130, "速邮达"),
    c(131, "敏華物流"),
    c(132, "天马迅达"),
    c(133, "小飞侠速递"),
    c(134, "天翼快递"),
    c(135, "中通冷链"),
    c(136, "京东快运"),
    c(137, "京东大件"),
    c(138, "具语物流"),
    c(139, "邮政电商标快"),
    c(140, "1919物流"),
    c(141, "速腾物流"),
    c(142, "平安达腾飞快递"),
    c(143, "小米物流"),
    c(144, "全友大件物流"),
    c(145, "捷安信物流"),
    c(147, "顾家物流"),
    c(153, "吉时达"),
    c(1001, "跨境-中通快递"),
    c(1002, "跨境-圆通快递"),
    c(1003, "跨境-申通快递"),
    c(1004, "跨境-百世快递"),
    c(1005, "跨境-韵达快递"),
    c(1007, "跨境-顺丰速运"),
    c(1008, "跨境-EMS"),
    c(9999, "其他"),
    c(19999, "跨境-其他"),
];

/// The carrier with this code, retired or not.
pub fn find(code: i64) -> Option<&'static Carrier> {
    CARRIERS.iter().find(|c| c.code == code)
}

/// The carrier a shipment may use: known and not retired.
pub fn usable(code: i64) -> Result<&'static Carrier> {
    match find(code) {
        None => Err(Error::new(
            ApiError::ShippingRuleRejected,
            format!(
                "expressCode {code} is not a known carrier code: use a code from the 物流公司编号 table (e.g. 9 中通快递, 4 顺丰速运, 109 极兔速递)"
            ),
        )),
        Some(c) if c.retired => Err(Error::new(
            ApiError::ShippingRuleRejected,
            format!(
                "expressCode {code} ({}) is retired: use {} instead",
                c.name,
                c.replaced_by
                    .map_or_else(|| "another carrier".to_string(), |r| r.to_string())
            ),
        )),
        Some(c) => Ok(c),
    }
}

/// Checks the shape of a waybill number: 6 to 40 letters, digits or `-`.
pub fn check_waybill(express_no: &str) -> Result<&str> {
    let no = express_no.trim();
    if no.len() < 6
        || no.len() > 40
        || !no.chars().all(|ch| ch.is_ascii_alphanumeric() || ch == '-')
    {
        return Err(Error::new(
            ApiError::ShippingRuleRejected,
            format!(
                "expressNo {express_no:?} is not a waybill number: send 6 to 40 letters, digits or '-'"
            ),
        ));
    }
    Ok(no)
}
