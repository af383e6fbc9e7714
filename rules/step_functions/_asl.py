"""What the Step Functions rules share (the function a Task invokes is ``samcheck.analysis.statemachines``')."""

# What a Fail or Succeed state, which ends the execution, cannot have (SC6002 reports them).
END_STATE_FORBIDDEN = ("Next", "End", "Retry", "Catch", "ResultPath")
