using k8s;
using k8s.Models;
using static Operator.Testing.Tests.Rbac;

namespace Operator.Testing.Tests;

/// <summary>SelfSubjectAccessReview, SubjectAccessReview, LocalSubjectAccessReview and SelfSubjectRulesReview.</summary>
public sealed class AccessReviewTests
{
    [Fact]
    public async Task SelfSubjectAccessReview_AnswersForTheCaller_AsTheAuthorizerWould()
    {
        await using var kube = await StartAsync();
        await GrantAsync(kube, User("alice"), Rule(["get"], ["secrets"], names: ["db"]));
        using var alice = kube.Emulator.CreateClientAs("alice");

        var allowed = await alice.AuthorizationV1.CreateSelfSubjectAccessReviewAsync(Self(kube.Namespace, "get", "secrets", "db"), cancellationToken: TestKube.Ct);
        var denied = await alice.AuthorizationV1.CreateSelfSubjectAccessReviewAsync(Self(kube.Namespace, "get", "secrets", "other"), cancellationToken: TestKube.Ct);

        Assert.True(allowed.Status.Allowed);
        Assert.StartsWith("RBAC: allowed by RoleBinding \"grant-", allowed.Status.Reason, StringComparison.Ordinal);
        Assert.EndsWith($"/{kube.Namespace}\" of Role \"{allowed.Status.Reason.Split('"')[1].Split('/')[0]}\" to User \"alice\"", allowed.Status.Reason, StringComparison.Ordinal);
        Assert.False(denied.Status.Allowed);
        var invalid = await TestKube.ExpectStatusAsync(System.Net.HttpStatusCode.UnprocessableEntity,
            () => alice.AuthorizationV1.CreateSelfSubjectAccessReviewAsync(new V1SelfSubjectAccessReview { Spec = new V1SelfSubjectAccessReviewSpec() }, cancellationToken: TestKube.Ct));
        Assert.Contains("exactly one of nonResourceAttributes or resourceAttributes must be specified", invalid.Response.Content, StringComparison.Ordinal);
    }

    [Fact]
    public async Task SubjectAccessReview_AsksAboutAnotherUser_AndNeedsTheRightToAsk()
    {
        await using var kube = await StartAsync();
        await GrantAsync(kube, Group("dev"), Rule(["list"], ["configmaps"]));
        var review = new V1SubjectAccessReview
        {
            Spec = new V1SubjectAccessReviewSpec
            {
                User = "alice",
                Groups = ["dev"],
                ResourceAttributes = new V1ResourceAttributes { NamespaceProperty = kube.Namespace, Verb = "list", Resource = "configmaps" },
            },
        };

        Assert.True((await kube.Client.AuthorizationV1.CreateSubjectAccessReviewAsync(review, cancellationToken: TestKube.Ct)).Status.Allowed);
        review.Spec.Groups = null;
        Assert.False((await kube.Client.AuthorizationV1.CreateSubjectAccessReviewAsync(review, cancellationToken: TestKube.Ct)).Status.Allowed);
        using var alice = kube.Emulator.CreateClientAs("alice");
        Assert.Equal("subjectaccessreviews.authorization.k8s.io is forbidden: User \"alice\" cannot create resource \"subjectaccessreviews\" in API group \"authorization.k8s.io\" at the cluster scope",
            await ForbiddenAsync(() => alice.AuthorizationV1.CreateSubjectAccessReviewAsync(review, cancellationToken: TestKube.Ct)));

        var local = new V1LocalSubjectAccessReview { Metadata = new V1ObjectMeta { NamespaceProperty = kube.Namespace }, Spec = review.Spec };
        local.Spec.Groups = ["dev"];
        Assert.True((await kube.Client.AuthorizationV1.CreateNamespacedLocalSubjectAccessReviewAsync(local, kube.Namespace, cancellationToken: TestKube.Ct)).Status.Allowed);
        local.Spec.ResourceAttributes.NamespaceProperty = "default";
        await TestKube.ExpectStatusAsync(System.Net.HttpStatusCode.BadRequest,
            () => kube.Client.AuthorizationV1.CreateNamespacedLocalSubjectAccessReviewAsync(local, kube.Namespace, cancellationToken: TestKube.Ct));
    }

    [Fact]
    public async Task SelfSubjectRulesReview_ListsTheCallersRulesInANamespace()
    {
        await using var kube = await StartAsync();
        await GrantAsync(kube, User("alice"), Rule(["get", "watch"], ["secrets"], names: ["db"]));
        using var alice = kube.Emulator.CreateClientAs("alice");

        var rules = await alice.AuthorizationV1.CreateSelfSubjectRulesReviewAsync(
            new V1SelfSubjectRulesReview { Spec = new V1SelfSubjectRulesReviewSpec { NamespaceProperty = kube.Namespace } }, cancellationToken: TestKube.Ct);
        var elsewhere = await alice.AuthorizationV1.CreateSelfSubjectRulesReviewAsync(
            new V1SelfSubjectRulesReview { Spec = new V1SelfSubjectRulesReviewSpec { NamespaceProperty = "default" } }, cancellationToken: TestKube.Ct);

        var secrets = Assert.Single(rules.Status.ResourceRules, r => r.Resources.Contains("secrets"));
        Assert.Equal(["get", "watch"], secrets.Verbs);
        Assert.Equal(["db"], secrets.ResourceNames);
        Assert.Contains(rules.Status.ResourceRules, r => r.Resources.Contains("selfsubjectaccessreviews")); // system:basic-user
        Assert.Contains(rules.Status.NonResourceRules, r => r.NonResourceURLs.Contains("/api")); // system:discovery
        Assert.DoesNotContain(elsewhere.Status.ResourceRules, r => r.Resources.Contains("secrets"));
        Assert.False(rules.Status.Incomplete);
    }

    private static V1SelfSubjectAccessReview Self(string ns, string verb, string resource, string name) => new()
    {
        Spec = new V1SelfSubjectAccessReviewSpec { ResourceAttributes = new V1ResourceAttributes { NamespaceProperty = ns, Verb = verb, Resource = resource, Name = name } },
    };
}
