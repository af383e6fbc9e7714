from collections.abc import Iterator

from samcheck.rule import Finding, Rule, RuleContext, Severity


class InternalError(Rule):
    """samcheck itself failed on this file: a rule (built in or from a plugin pack) or the engine
    raised an exception. The other rules' findings on the file are kept; only what the failing part
    would have found is missing, so the file is not known to be clean. The message names the rule
    and the place in its code; please report it with the template. The engine reports this rule's
    findings; ``--select`` never hides them (only ``--ignore SC0000`` or a suppression does), so a
    crash cannot pass as "All checks passed".

    **Anti-pattern**

    ```yaml
    # a template that makes a rule raise, e.g. a value of a type the rule did not expect
    Timeout: {Nested: [1, 2]}
    ```

    **Best practice**

    ```yaml
    # report the finding's message and the template; meanwhile the other findings still hold
    Timeout: 30
    ```
    """

    id = "SC0000"
    name = "internal-error"
    severity = Severity.ERROR
    summary = "samcheck failed on the file (a rule or the engine raised); please report it"
    url = "https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/template-anatomy.html"
    tags = ("samcheck",)
    needs_template = False

    def check(self, context: RuleContext) -> Iterator[Finding]:
        return iter(())  # the engine reports this rule's findings where a failure happens
