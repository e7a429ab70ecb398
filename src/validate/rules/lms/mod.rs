//! LMS-profile rules: what one LMS's import code does differently (`lms-import.md`).

pub(crate) mod lms001;
pub(crate) mod lms002;
pub(crate) mod lms003;
pub(crate) mod lms004;
pub(crate) mod lms005;
pub(crate) mod lms006;
pub(crate) mod lms007;
pub(crate) mod lms008;
pub(crate) mod lms009;
pub(crate) mod lms010;
pub(crate) mod lms011;
pub(crate) mod lms012;
pub(crate) mod lms013;
pub(crate) mod lms014;
pub(crate) mod lms015;
pub(crate) mod lms016;
pub(crate) mod lms017;
pub(crate) mod lms018;
pub(crate) mod lms019;
pub(crate) mod lms020;
pub(crate) mod lms021;
pub(crate) mod lms022;
pub(crate) mod lms023;
