# syntax=docker/dockerfile:1
# Multi-stage build of the operator image: the SDK restores, tests nothing and publishes; the runtime stage is the
# ASP.NET Core runtime (the operator serves /healthz, /readyz and /metrics), running as a non-root user.

FROM mcr.microsoft.com/dotnet/sdk:10.0 AS build
WORKDIR /src
# Restore first, from the project files only, so source edits do not invalidate the package layer.
COPY global.json Directory.Build.props Directory.Packages.props ./
COPY src/Operator.Runtime/Operator.Runtime.csproj src/Operator.Runtime/
COPY src/Operator/Operator.csproj src/Operator/
RUN dotnet restore src/Operator/Operator.csproj
COPY src/ src/
RUN dotnet publish src/Operator/Operator.csproj -c Release --no-restore -o /app /p:UseAppHost=false

FROM mcr.microsoft.com/dotnet/aspnet:10.0 AS runtime
WORKDIR /app
COPY --from=build /app ./
# The numeric UID matches the manifests' runAsUser (65532), so runAsNonRoot can be verified by the kubelet.
USER 65532:65532
ENV DOTNET_EnableDiagnostics=0 \
    ASPNETCORE_HTTP_PORTS=""
EXPOSE 8080 8081
ENTRYPOINT ["dotnet", "/app/Operator.dll"]
