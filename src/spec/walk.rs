//! The one walk over a transformation's step tree: every [`StepParams`] in the order
//! written, if-branches included (both of them), so questions about the whole chain —
//! which encoding keys appear, whether a key the engine cannot perform is anywhere — are
//! answered the same way everywhere.

use super::{Step, StepParams, Transform};

impl Transform {
    /// Every step's parameters, depth first in the order written, both branches of each
    /// if-block included (the parser bounds their nesting).
    pub fn all_params(&self) -> AllParams<'_> {
        AllParams {
            stack: vec![self.steps.iter()],
        }
    }
}

/// The iterator of [`Transform::all_params`].
#[derive(Debug, Clone)]
pub struct AllParams<'a> {
    stack: Vec<std::slice::Iter<'a, Step>>,
}

impl<'a> Iterator for AllParams<'a> {
    type Item = &'a StepParams;

    fn next(&mut self) -> Option<&'a StepParams> {
        loop {
            let top = self.stack.last_mut()?;
            match top.next() {
                None => {
                    self.stack.pop();
                }
                Some(Step::Params(p)) => return Some(p),
                Some(Step::If(b)) => {
                    // Pushed last is walked first: `then` before `otherwise`.
                    if let Some(o) = &b.otherwise {
                        self.stack.push(o.iter());
                    }
                    self.stack.push(b.then.iter());
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use crate::spec::Transform;

    #[test]
    fn walks_branches_in_written_order() {
        let t: Transform = "w-1:if-ar_gt_1,w-2,if-else,w-3,if-end:w-4".parse().unwrap();
        let widths: Vec<String> = t.all_params().map(|p| format!("{:?}", p.width)).collect();
        assert_eq!(
            widths,
            ["Some(Px(1))", "Some(Px(2))", "Some(Px(3))", "Some(Px(4))"]
        );
    }
}
