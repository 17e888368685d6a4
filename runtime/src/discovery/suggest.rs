//! "Did you mean": tool names close to a wrong one.
//!
//! Models misspell tool names (`list_pet`), invent plausible ones (`create_issue` for
//! `issues_create`) or drop a namespace. Near spellings are found by Jaro-Winkler similarity
//! (`strsim`), invented names by searching the index with the name's words.

use super::ToolIndex;

/// Jaro-Winkler similarity from which a name counts as a near spelling.
const NEAR: f64 = 0.88;

pub(super) fn suggest(index: &ToolIndex, name: &str, max: usize) -> Vec<String> {
    let wanted = name.to_lowercase();
    let mut near: Vec<(f64, &str)> = index
        .names()
        .map(|n| (strsim::jaro_winkler(&wanted, &n.to_lowercase()), n))
        .filter(|(s, _)| *s >= NEAR)
        .collect();
    near.sort_by(|a, b| b.0.total_cmp(&a.0).then(a.1.cmp(b.1)));
    let mut out: Vec<String> = near.into_iter().map(|(_, n)| n.to_owned()).collect();
    for hit in index.matches(name, max) {
        if !out.contains(&hit.name) {
            out.push(hit.name);
        }
    }
    out.truncate(max);
    out
}

#[cfg(test)]
mod tests {
    use crate::discovery::ToolIndex;
    use crate::discovery::testing::petstore;

    #[test]
    fn misspelt_and_invented_names_find_the_tool() {
        let index = ToolIndex::build(&petstore());
        assert_eq!(index.suggest("listPet", 3)[0], "listPets");
        assert_eq!(index.suggest("remove_pet", 3)[0], "deletePet");
        assert!(index.suggest("zzzz", 3).is_empty());
        assert!(index.suggest("listPets", 0).is_empty());
    }
}
