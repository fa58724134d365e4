using Operator.Entities.V1Alpha1;
using Operator.References;

namespace Operator.RestApi;

/// <summary>A manifest that passed validation.</summary>
public sealed record ValidManifest(string Name, IntegrationFqn Integration, IReadOnlyList<Collaborator> Collaborators);
