using System.Text.RegularExpressions;
using k8s.Models;

namespace Operator.Tests.Manifests;

public sealed class CrdSchemaTests
{
    private static readonly string[] Providers = ["aws", "gcp", "azure", "hashicorp", "kubernetes"];

    public static TheoryData<string> Crds => ["secretgroups", "secretstoreintegrations"];

    private static V1CustomResourceDefinition Crd(string plural) =>
        plural == "secretgroups" ? RenderedCrds.SecretGroup : RenderedCrds.SecretStoreIntegration;

    [Fact]
    public void SecretStoreIntegration_IsClusterScoped_WithShortNameSsi()
    {
        var crd = RenderedCrds.SecretStoreIntegration;
        Assert.Equal("secretstoreintegrations.secrets.tfy.dev", crd.Metadata.Name);
        Assert.Equal("Cluster", crd.Spec.Scope);
        Assert.Equal(["ssi"], crd.Spec.Names.ShortNames);
        Assert.Equal("secretstoreintegration", crd.Spec.Names.Singular);
        Assert.Equal("SecretStoreIntegrationList", crd.Spec.Names.ListKind);
    }

    [Fact]
    public void SecretGroup_IsNamespaced_WithShortNameSg()
    {
        var crd = RenderedCrds.SecretGroup;
        Assert.Equal("secretgroups.secrets.tfy.dev", crd.Metadata.Name);
        Assert.Equal("Namespaced", crd.Spec.Scope);
        Assert.Equal(["sg"], crd.Spec.Names.ShortNames);
        Assert.Equal("secretgroup", crd.Spec.Names.Singular);
        Assert.Equal("SecretGroupList", crd.Spec.Names.ListKind);
    }

    [Theory]
    [MemberData(nameof(Crds))]
    public void Crd_ServesOneStoredVersion_WithStatusSubresource_InCategoryTfy(string plural)
    {
        var crd = Crd(plural);
        var version = Assert.Single(crd.Spec.Versions);
        Assert.Equal(("v1alpha1", true, true), (version.Name, version.Served, version.Storage));
        Assert.NotNull(version.Subresources?.Status);
        Assert.Equal(["tfy"], crd.Spec.Names.Categories);
        Assert.Equal(["spec"], RenderedCrds.Root(crd).Required);
    }

    [Fact]
    public void SecretGroup_ShowsReadyFqnKeysLastSyncAge_InKubectlGet()
    {
        var columns = RenderedCrds.SecretGroup.Spec.Versions[0].AdditionalPrinterColumns;
        var defaultColumns = columns.Where(c => (c.Priority ?? 0) == 0).Select(c => c.Name);
        Assert.Equal(["Ready", "FQN", "Keys", "Last Sync", "Age"], defaultColumns);
        Assert.Equal(".status.conditions[?(@.type==\"Ready\")].status", columns.Single(c => c.Name == "Ready").JsonPath);
        var keys = columns.Single(c => c.Name == "Keys");
        Assert.Equal(("integer", ".status.keyCount"), (keys.Type, keys.JsonPath));
    }

    [Theory]
    [InlineData("my-tenant:aws:my-aws-provider:secret-store:aws-ssm", true)]
    [InlineData("default:kubernetes:local:secret-store:k8s-default", true)]
    [InlineData("t:hashicorp:p:secret-store:v", true)]
    [InlineData("my-tenant:awz:p:secret-store:x", false)]
    [InlineData("my-tenant:aws:p:store:x", false)]
    [InlineData("my-tenant:aws:p:secret-store:", false)]
    [InlineData("My-Tenant:aws:p:secret-store:x", false)]
    [InlineData("my-tenant:aws:p:secret-store:x::/path", false)]
    public void IntegrationFqnPattern_AcceptsOnlyIntegrationFqns(string value, bool accepted)
    {
        var field = RenderedCrds.At(RenderedCrds.SecretGroup, "spec", "integrationFqn");
        Assert.Equal(accepted, Matches(field.Pattern, value));
        Assert.Contains("integrationFqn", RenderedCrds.At(RenderedCrds.SecretGroup, "spec").Required);
    }

    [Theory]
    [InlineData("OPENAI_API_KEY", true)]
    [InlineData("db.password", true)]
    [InlineData(".env", true)]
    [InlineData("..x", false)] // apimachinery IsConfigMapKey: "must not start with '..'"
    [InlineData("..data", false)]
    [InlineData(".a..b", true)]
    [InlineData("-a", true)]
    [InlineData(".", false)]
    [InlineData("..", false)]
    [InlineData("a b", false)]
    [InlineData("a/b", false)]
    [InlineData("", false)]
    public void SecretKeyPattern_FollowsKubernetesSecretKeyRules(string key, bool accepted)
    {
        var field = RenderedCrds.At(RenderedCrds.SecretGroup, "spec", "secrets", "[]", "key");
        Assert.Equal(accepted, Matches(field.Pattern, key));
        Assert.Equal((1L, 253L), (field.MinLength, field.MaxLength));
        Assert.Contains("must not start with '..'", Assert.Single(field.XKubernetesValidations).Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("0", true)]
    [InlineData("30s", true)]
    [InlineData("1h30m", true)]
    [InlineData("1ms", true)] // the pattern takes it; the CEL rule and the operator refuse it (below 1s)
    [InlineData("1d", false)]
    [InlineData("-1h", false)]
    [InlineData("", false)]
    public void RefreshInterval_IsADurationOrZero_BoundedByACelRule(string value, bool accepted)
    {
        foreach (var field in new[] { RenderedCrds.At(RenderedCrds.SecretGroup, "spec", "refreshInterval"), RenderedCrds.At(RenderedCrds.SecretStoreIntegration, "spec", "syncInterval") })
        {
            Assert.Equal(accepted, Matches(field.Pattern, value));
            var rule = Assert.Single(field.XKubernetesValidations);
            Assert.Equal("duration(self) == duration('0s') || (duration(self) >= duration('1s') && duration(self) <= duration('24h'))", rule.Rule);
            Assert.Equal(64L, field.MaxLength); // bounds the CEL cost estimate
        }

        var floor = RenderedCrds.At(RenderedCrds.SecretStoreIntegration, "spec", "minRefreshInterval");
        Assert.Equal("10s", floor.DefaultProperty?.ToString());
        Assert.Equal("duration(self) >= duration('1s') && duration(self) <= duration('24h')", Assert.Single(floor.XKubernetesValidations).Rule);
    }

    [Fact]
    public void SecretsList_IsAMapKeyedByKey()
    {
        var secrets = RenderedCrds.At(RenderedCrds.SecretGroup, "spec", "secrets");
        Assert.Equal("map", secrets.XKubernetesListType);
        Assert.Equal(["key"], secrets.XKubernetesListMapKeys);
        Assert.Contains("key", RenderedCrds.AsSchema(secrets.Items).Required);
        Assert.Equal(500L, secrets.MaxItems);
    }

    [Fact]
    public void Collaborators_AreAMapKeyedBySubject_WithTheThreeRoles()
    {
        var collaborators = RenderedCrds.At(RenderedCrds.SecretGroup, "spec", "collaborators");
        Assert.Equal(("map", "subject"), (collaborators.XKubernetesListType, Assert.Single(collaborators.XKubernetesListMapKeys)));
        var roleId = RenderedCrds.At(RenderedCrds.SecretGroup, "spec", "collaborators", "[]", "roleId");
        Assert.Equal(["secret-group-admin", "secret-group-editor", "secret-group-viewer"], roleId.EnumProperty.Select(v => v.ToString()));
    }

    [Fact]
    public void IntegrationSpec_RequiresExactlyOneProvider_ByOneOfAndCel()
    {
        var spec = RenderedCrds.At(RenderedCrds.SecretStoreIntegration, "spec");

        Assert.Equal(Providers, spec.OneOf.Select(o => Assert.Single(o.Required)));
        Assert.All(spec.OneOf, o => Assert.Null(o.Type));
        Assert.All(Providers, p => Assert.Equal("object", spec.Properties[p].Type));
        var rule = Assert.Single(spec.XKubernetesValidations);
        Assert.Equal("[has(self.aws), has(self.gcp), has(self.azure), has(self.hashicorp), has(self.kubernetes)].filter(x, x).size() == 1", rule.Rule);
        Assert.Equal("exactly one of aws, gcp, azure, hashicorp, kubernetes must be set", rule.Message);
    }

    [Fact]
    public void AzureSpec_NeedsVaultUrlOrName_ByCel()
    {
        var azure = RenderedCrds.At(RenderedCrds.SecretStoreIntegration, "spec", "azure");
        Assert.Equal("has(self.vaultUrl) || has(self.keyVaultName)", Assert.Single(azure.XKubernetesValidations).Rule);
    }

    [Fact]
    public void IntegrationSpec_CarriesDefaultsAndRanges()
    {
        var crd = RenderedCrds.SecretStoreIntegration;
        Assert.Equal("/tfy-secret/", RenderedCrds.At(crd, "spec", "pathPrefix").DefaultProperty?.ToString());
        Assert.Equal("1h", RenderedCrds.At(crd, "spec", "syncInterval").DefaultProperty?.ToString());
        Assert.Equal("parameter-store", RenderedCrds.At(crd, "spec", "aws", "service").DefaultProperty?.ToString());
        Assert.Equal<object?>(false, RenderedCrds.At(crd, "spec", "access", "allowPathReferences").DefaultProperty);
        var burst = RenderedCrds.At(crd, "spec", "rateLimit", "burst");
        Assert.Equal(("integer", "int32", 1.0, 10000.0), (burst.Type, burst.Format, burst.Minimum, burst.Maximum));
        Assert.Equal(["providerAccount"], RenderedCrds.At(crd, "spec").Required);
    }

    [Theory]
    [MemberData(nameof(Crds))]
    public void Conditions_HaveTheMetav1ConditionShape(string plural)
    {
        var conditions = RenderedCrds.At(Crd(plural), "status", "conditions");
        Assert.Equal(("array", "map"), (conditions.Type, conditions.XKubernetesListType));
        Assert.Equal(["type"], conditions.XKubernetesListMapKeys);
        var condition = RenderedCrds.AsSchema(conditions.Items);
        Assert.Equal(["type", "status"], condition.Required);
        Assert.Equal(["True", "False", "Unknown"], condition.Properties["status"].EnumProperty.Select(v => v.ToString()));
        Assert.Equal("date-time", condition.Properties["lastTransitionTime"].Format);
        Assert.Equal(("integer", "int64"), (condition.Properties["observedGeneration"].Type, condition.Properties["observedGeneration"].Format));
    }

    [Fact]
    public void GroupStatus_TypesTimesAndMaps()
    {
        var crd = RenderedCrds.SecretGroup;
        var lastSync = RenderedCrds.At(crd, "status", "lastSyncTime");
        Assert.Equal(("string", "date-time"), (lastSync.Type, lastSync.Format));
        var generation = RenderedCrds.At(crd, "status", "observedGeneration");
        Assert.Equal(("integer", "int64"), (generation.Type, generation.Format));
        var labels = RenderedCrds.At(crd, "spec", "target", "labels");
        Assert.Equal(("object", "string"), (labels.Type, RenderedCrds.AsSchema(labels.AdditionalProperties).Type));
        Assert.Equal("string", RenderedCrds.At(crd, "spec", "sharedWithNamespaces", "[]").Type);
    }

    [Theory]
    [MemberData(nameof(Crds))]
    public void Schema_IsStructural_EveryNodeHasAType(string plural)
    {
        var untyped = Nodes(Crd(plural)).Where(n => string.IsNullOrEmpty(n.Schema.Type)).Select(n => n.Path);
        Assert.Empty(untyped);
    }

    [Theory]
    [MemberData(nameof(Crds))]
    public void Patterns_AreRe2Compatible(string plural)
    {
        // RE2 (the API server) has no lookaround and no back-references; .NET would accept them silently.
        var patterns = Nodes(Crd(plural)).Where(n => n.Schema.Pattern is not null).ToList();
        Assert.NotEmpty(patterns);
        Assert.All(patterns, n =>
        {
            Assert.DoesNotMatch(@"\\[1-9]|\(\?[=!<]", n.Schema.Pattern);
            _ = new Regex(n.Schema.Pattern, RegexOptions.ECMAScript);
        });
    }

    [Theory]
    [MemberData(nameof(Crds))]
    public void Defaults_SatisfyTheirOwnConstraints(string plural)
    {
        // The API server refuses a CRD whose default would not validate.
        var defaults = Nodes(Crd(plural)).Where(n => n.Schema.DefaultProperty is not null).ToList();
        Assert.All(defaults, n =>
        {
            var value = n.Schema.DefaultProperty!;
            if (n.Schema.Type == "boolean")
            {
                Assert.IsType<bool>(value);
                return;
            }

            var text = Assert.IsType<string>(value);
            Assert.Equal("string", n.Schema.Type);
            Assert.True(n.Schema.Pattern is null || Matches(n.Schema.Pattern, text), $"{n.Path}: default '{text}' fails its pattern");
            Assert.True(n.Schema.EnumProperty is null || n.Schema.EnumProperty.Contains(text), $"{n.Path}: default '{text}' is not in its enum");
            Assert.InRange(text.Length, n.Schema.MinLength ?? 0, n.Schema.MaxLength ?? long.MaxValue);
        });
    }

    [Fact]
    public void Schema_KeepsDeclarationOrder()
    {
        var spec = RenderedCrds.At(RenderedCrds.SecretGroup, "spec");
        Assert.Equal(["integrationFqn", "refreshInterval", "refreshPolicy", "collaborators", "secrets", "dataFrom", "target", "sharedWithNamespaces"], spec.Properties.Keys);
    }

    private static IEnumerable<(string Path, V1JSONSchemaProps Schema)> Nodes(V1CustomResourceDefinition crd) => Nodes(RenderedCrds.Root(crd), "");

    private static IEnumerable<(string Path, V1JSONSchemaProps Schema)> Nodes(V1JSONSchemaProps schema, string path)
    {
        yield return (path, schema);
        var children = (schema.Properties ?? new Dictionary<string, V1JSONSchemaProps>()).Select(p => ($"{path}.{p.Key}", p.Value));
        if (schema.Items is not null)
        {
            children = children.Append((path + "[]", RenderedCrds.AsSchema(schema.Items)));
        }

        if (schema.AdditionalProperties is not null)
        {
            children = children.Append((path + "{}", RenderedCrds.AsSchema(schema.AdditionalProperties)));
        }

        foreach (var (childPath, child) in children)
        {
            foreach (var node in Nodes(child, childPath))
            {
                yield return node;
            }
        }
    }

    // The API server uses RE2; the entity patterns avoid anything where .NET's ECMAScript mode would differ.
    private static bool Matches(string pattern, string value) => Regex.IsMatch(value, pattern, RegexOptions.ECMAScript);
}
