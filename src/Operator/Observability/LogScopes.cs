using Microsoft.Extensions.Logging;
using Operator.Entities.V1Alpha1;

namespace Operator.Observability;

/// <summary>Logging scopes that put the object being reconciled on every log line (fields group, namespace, integration).</summary>
public static class LogScopes
{
    private static readonly Func<ILogger, string?, string?, string?, IDisposable?> GroupScope =
        LoggerMessage.DefineScope<string?, string?, string?>("SecretGroup {Namespace}/{Group} via {Integration}");

    private static readonly Func<ILogger, string?, IDisposable?> IntegrationScope =
        LoggerMessage.DefineScope<string?>("SecretStoreIntegration {Integration}");

    public static IDisposable? ForGroup(ILogger logger, SecretGroup group)
    {
        ArgumentNullException.ThrowIfNull(group);
        return GroupScope(logger, group.Metadata.NamespaceProperty, group.Metadata.Name, group.Spec?.IntegrationFqn);
    }

    public static IDisposable? ForIntegration(ILogger logger, SecretStoreIntegration integration)
    {
        ArgumentNullException.ThrowIfNull(integration);
        return IntegrationScope(logger, integration.Metadata.Name);
    }
}
