from collections.abc import Iterator

from samcheck.analysis.artifacts import built_image
from samcheck.analysis.values import qualifier, texts
from samcheck.rule import Finding, Rule, RuleContext, Severity, get_path


class LambdaImageWithoutSource(Rule):
    """A SAM function with ``PackageType: Image`` needs the image: an ``ImageUri`` (on the function
    or in ``Globals``), or ``Metadata`` with a ``Dockerfile`` (and ``DockerContext``) from which
    ``sam build`` builds it and fills ``ImageUri`` in. With neither, ``sam build`` skips the function
    and the deploy fails for want of ``ImageUri``.

    **Anti-pattern**

    ```yaml
    Fn:
      Type: AWS::Serverless::Function
      Properties:
        PackageType: Image
    ```

    **Best practice**

    ```yaml
    Fn:
      Type: AWS::Serverless::Function
      Properties:
        PackageType: Image
      Metadata:
        Dockerfile: Dockerfile
        DockerContext: ./orders
    ```
    """

    id = "SC1016"
    name = "lambda-image-without-source"
    severity = Severity.ERROR
    summary = "An image function with neither ImageUri nor Metadata.Dockerfile for sam build"
    url = "https://docs.aws.amazon.com/serverless-application-model/latest/developerguide/serverless-sam-cli-using-build.html"
    tags = ("lambda", "sam", "package")
    resource_types = frozenset({"AWS::Lambda::Function"})

    def check(self, context: RuleContext) -> Iterator[Finding]:
        template = context.template
        for function in context.of_type("AWS::Lambda::Function"):
            path = ("Resources", function.source_id, "Metadata")
            metadata = get_path(template.source, path)  # as written: sam build reads Metadata unresolved
            if isinstance(metadata, dict) and "Dockerfile" in metadata:
                continue
            if built_image(template, function):
                yield context.report(
                    context.locate(function, ("PackageType",)),
                    f"{function.source_id} is an image function with neither ImageUri nor Metadata.Dockerfile, so "
                    "there is no image to deploy; set ImageUri, or add Metadata with Dockerfile and DockerContext "
                    "for sam build",
                    resource=function.source_id,
                )
                continue
            # An ImageUri that is empty in some deployments only (a parameter, an Fn::If branch): sam
            # build fills a written "" from a Dockerfile, never a value chosen at deploy time.
            image = context.property(function, ("Code", "ImageUri"))
            for case in texts(image):
                if case.value == "":
                    yield context.report(
                        context.locate(function, ("Code", "ImageUri")),
                        f"{function.source_id} is an image function whose ImageUri is empty{qualifier(case.when)}, "
                        "and it has no Metadata.Dockerfile for sam build, so there is no image to deploy; "
                        "give ImageUri an image URI in every deployment",
                        resource=function.source_id,
                        related=context.when_related(case.when),
                    )
