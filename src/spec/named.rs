//! Expansion of named transformations (`n-name`).

use super::types::*;
use super::{
    parse, Mode, NamedTransforms, ParseOptions, SpecError, SpecErrorKind as K, SpecLimits,
};

impl Transform {
    /// Replaces every `n-name` (at any depth: in steps, layers and if-branches) with the
    /// registry's chain, with default [`SpecLimits`].
    ///
    /// Rules (ImageKit documents only "expands in place", §1.5):
    /// * a stored chain of several steps splices in as several steps;
    /// * other params of the step holding `n-` join the expansion's **last** step (what a
    ///   textual substitution of the canonical form `n-x,w-100` → `…:…,w-100` gives); its
    ///   layers and unknown params follow the last step's own;
    /// * a key present both in that step and in the expansion's last step is a
    ///   [`K::DuplicateKey`]; an expansion ending with an if-block cannot take the other
    ///   params ([`K::Conflict`]);
    /// * stored chains may use `n-` themselves; nesting deeper than
    ///   [`SpecLimits::max_named_depth`] (cycles included) or a result above
    ///   [`SpecLimits::max_expanded_steps`] steps is a [`K::Limit`];
    /// * an unknown name is a [`K::UnknownName`];
    /// * the result is re-checked with the parser (e.g. `pg` brought into an if-block, layers
    ///   nested too deep) and holds no `named`.
    ///
    /// Errors carry offset 0 (the transform is a value, not text) and the token `n-name`.
    ///
    /// # Errors
    /// [`SpecError`] as above.
    pub fn expand_named(&self, registry: &NamedTransforms) -> Result<Transform, SpecError> {
        self.expand_named_with(registry, &SpecLimits::default())
    }

    /// [`Transform::expand_named`] with explicit limits.
    ///
    /// # Errors
    /// See [`Transform::expand_named`].
    pub fn expand_named_with(
        &self,
        registry: &NamedTransforms,
        limits: &SpecLimits,
    ) -> Result<Transform, SpecError> {
        let mut budget = 0usize;
        let steps = expand(&self.steps, registry, limits, 0, &mut budget)?;
        let out = Transform { steps };
        if out.steps.is_empty() {
            // Nothing to re-check; the empty string does not parse (`parse` refuses it).
            return Ok(out);
        }
        // Re-check every parse-time rule on the result.
        let opts = ParseOptions {
            mode: Mode::Lenient,
            limits: SpecLimits {
                max_len: usize::MAX,
                max_steps: limits.max_expanded_steps,
                ..*limits
            },
        };
        let text = out.to_string();
        let checked = parse(&text, &opts).map_err(|e| SpecError {
            reason: format!("after expanding named transformations: {}", e.reason),
            ..e
        })?;
        Ok(checked)
    }
}

fn err(kind: K, name: &str, reason: impl Into<String>) -> SpecError {
    SpecError::new(kind, 0, &format!("n-{name}"), reason)
}

fn expand(
    steps: &[Step],
    reg: &NamedTransforms,
    limits: &SpecLimits,
    depth: usize,
    budget: &mut usize,
) -> Result<Vec<Step>, SpecError> {
    let mut out = Vec::with_capacity(steps.len());
    for step in steps {
        *budget += 1;
        if *budget > limits.max_expanded_steps {
            return Err(SpecError::new(
                K::Limit,
                0,
                "",
                format!(
                    "named expansion exceeds {} steps",
                    limits.max_expanded_steps
                ),
            ));
        }
        match step {
            Step::If(b) => {
                let then = expand(&b.then, reg, limits, depth, budget)?;
                let otherwise = match &b.otherwise {
                    Some(o) => Some(expand(o, reg, limits, depth, budget)?),
                    None => None,
                };
                out.push(Step::If(Box::new(IfBlock {
                    condition: b.condition.clone(),
                    then,
                    otherwise,
                })));
            }
            Step::Params(p) => {
                let mut p = (**p).clone();
                for l in &mut p.layers {
                    l.steps = expand(&l.steps, reg, limits, depth, budget)?;
                }
                let Some(name) = p.named.take() else {
                    out.push(Step::Params(Box::new(p)));
                    continue;
                };
                if depth >= limits.max_named_depth {
                    return Err(err(
                        K::Limit,
                        &name,
                        format!(
                            "named transformations nest more than {} levels (a cycle?)",
                            limits.max_named_depth
                        ),
                    ));
                }
                let stored = reg.get(&name).ok_or_else(|| {
                    err(
                        K::UnknownName,
                        &name,
                        format!("no named transformation `{name}` in the registry"),
                    )
                })?;
                let mut expanded = expand(&stored.steps, reg, limits, depth + 1, budget)?;
                if !p.is_empty() {
                    match expanded.last_mut() {
                        Some(Step::Params(last)) => merge(last, p, &name)?,
                        Some(Step::If(_)) => {
                            return Err(err(
                                K::Conflict,
                                &name,
                                format!(
                                    "`{name}` ends with an if-block, so the other params of its \
                                     step have no step to join; put them in a step of their own"
                                ),
                            ))
                        }
                        None => expanded.push(Step::Params(Box::new(p))),
                    }
                }
                out.extend(expanded);
            }
        }
    }
    Ok(out)
}

/// Moves every param of `src` into `dst`; a key set in both is an error.
fn merge(dst: &mut StepParams, src: StepParams, name: &str) -> Result<(), SpecError> {
    let dup = |key: &str| {
        err(
            K::DuplicateKey,
            name,
            format!("`{key}` is set both by `n-{name}` and next to it"),
        )
    };
    macro_rules! take {
        ($($field:ident => $key:literal),* $(,)?) => {$(
            if let Some(v) = src.$field {
                if dst.$field.is_some() {
                    return Err(dup($key));
                }
                dst.$field = Some(v);
            }
        )*};
    }
    let StepParams {
        layers,
        unknown,
        grayscale,
        contrast,
        ..
    } = &src;
    let (layers, unknown, grayscale, contrast) =
        (layers.clone(), unknown.clone(), *grayscale, *contrast);
    if grayscale {
        if dst.grayscale {
            return Err(dup("e-grayscale"));
        }
        dst.grayscale = true;
    }
    if contrast {
        if dst.contrast {
            return Err(dup("e-contrast"));
        }
        dst.contrast = true;
    }
    take!(
        named => "n", original => "orig", page => "pg", default_image => "di", trim => "t",
        width => "w", height => "h", aspect_ratio => "ar", dpr => "dpr", crop => "c",
        crop_mode => "cm", focus => "fo", x => "x", y => "y", xc => "xc", yc => "yc",
        zoom => "z", rotate => "rt", flip => "fl", colorize => "e-colorize",
        color_replace => "cr", blur => "bl", sharpen => "e-sharpen", unsharp => "e-usm",
        gradient => "e-gradient", shadow => "e-shadow", distort => "e-distort",
        radius => "r", border => "b", opacity => "o", background => "bg", format => "f",
        quality => "q", lossless => "lo", progressive => "pr", metadata => "md",
        color_profile => "cp",
    );
    dst.layers.extend(layers);
    dst.unknown.extend(unknown);
    Ok(())
}
