"""samcheck: a linter for AWS SAM and CloudFormation templates that checks what SAM deploys."""

__version__ = "0.1.0"
