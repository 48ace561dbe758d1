{{- /*
Helpers of the cdk8s-edge-ingress chart, copied into templates/_helpers.tpl by `npm run synth:helm` (source:
scripts/helm/helpers.tpl). Each check fails with the values key the user wrote, for values the schema cannot
rule out and that cannot work.
*/ -}}

{{- /* helm.sh/chart: name-version. */ -}}
{{- define "cdk8s-edge-ingress.chart" -}}
{{- printf "%s-%s" .Chart.Name .Chart.Version | replace "+" "_" | trunc 63 | trimSuffix "-" -}}
{{- end -}}

{{- /* (list KEY IMAGE): [registry/]repository[:tag][@digest], pinned. */ -}}
{{- define "cdk8s-edge-ingress.image" -}}
{{- $key := index . 0 -}}
{{- $image := index . 1 -}}
{{- if not $image.repository -}}
{{- fail (printf "%s.repository is empty: name the image to run" $key) -}}
{{- end -}}
{{- if eq $image.tag "latest" -}}
{{- fail (printf "%s.tag \"latest\" is not a version: every edge node would run whatever latest was when it pulled; pin a version tag or a digest" $key) -}}
{{- end -}}
{{- if and (not $image.tag) (not $image.digest) -}}
{{- fail (printf "%s needs a tag or a digest: an unpinned image floats like latest" $key) -}}
{{- end -}}
{{- with $image.registry }}{{ . }}/{{ end }}{{ $image.repository }}{{ with $image.tag }}:{{ . }}{{ end }}{{ with $image.digest }}@{{ . }}{{ end -}}
{{- end -}}

{{- /* A memory quantity (the schema's pattern) in MiB. */ -}}
{{- define "cdk8s-edge-ingress.mebibytes" -}}
{{- $quantity := toString . -}}
{{- $number := regexFind "^[0-9]+(\\.[0-9]+)?" $quantity -}}
{{- $bytes := dict "" 1.0 "k" 1e3 "M" 1e6 "G" 1e9 "T" 1e12 "P" 1e15 "E" 1e18 "Ki" 1024.0 "Mi" 1048576.0 "Gi" 1073741824.0 "Ti" 1099511627776.0 "Pi" 1125899906842624.0 "Ei" 1152921504606846976.0 -}}
{{- divf (mulf (float64 $number) (get $bytes (trimPrefix $number $quantity))) 1048576.0 -}}
{{- end -}}

{{- /* RESOURCES: GOMEMLIMIT, 90 % of the memory limit in whole MiB (empty without a limit), as lib/traefik/_props.ts computes it. */ -}}
{{- define "cdk8s-edge-ingress.goMemLimit" -}}
{{- with dig "limits" "memory" "" . -}}
{{- $mib := floor (mulf (include "cdk8s-edge-ingress.mebibytes" .) 0.9) -}}
{{- if gt $mib 0.0 }}{{ printf "%.0fMiB" $mib }}{{ end -}}
{{- end -}}
{{- end -}}

{{- /* (list KEY RESOURCES): the API server refuses a memory limit below the request. */ -}}
{{- define "cdk8s-edge-ingress.resources" -}}
{{- $key := index . 0 -}}
{{- $limit := dig "limits" "memory" "" (index . 1) -}}
{{- $request := dig "requests" "memory" "" (index . 1) -}}
{{- if and $limit $request -}}
{{- if lt (float64 (include "cdk8s-edge-ingress.mebibytes" $limit)) (float64 (include "cdk8s-edge-ingress.mebibytes" $request)) -}}
{{- fail (printf "%s: the memory limit %s is below the request %s" $key $limit $request) -}}
{{- end -}}
{{- end -}}
{{- end -}}

{{- /* (list KEY MAP OWN): MAP may not set a key the app sets itself. */ -}}
{{- define "cdk8s-edge-ingress.notOwnKeys" -}}
{{- $key := index . 0 -}}
{{- $own := index . 2 -}}
{{- range $name, $_ := index . 1 -}}
{{- if has $name $own -}}
{{- fail (printf "%s: %q is set by the chart itself (%s)" $key $name (join ", " $own)) -}}
{{- end -}}
{{- end -}}
{{- end -}}

{{- /* (list KEY ENV OWN): no environment variable the app sets, none twice. */ -}}
{{- define "cdk8s-edge-ingress.notOwnNames" -}}
{{- $key := index . 0 -}}
{{- $own := index . 2 -}}
{{- $seen := list -}}
{{- range $i, $env := index . 1 -}}
{{- if has $env.name $own -}}
{{- fail (printf "%s[%d].name %q is set by the chart itself (%s)" $key $i $env.name (join ", " $own)) -}}
{{- end -}}
{{- if has $env.name $seen -}}
{{- fail (printf "%s[%d].name %q is listed twice" $key $i $env.name) -}}
{{- end -}}
{{- $seen = append $seen $env.name -}}
{{- end -}}
{{- end -}}

{{- /* (list KEY ARGS): Traefik's own ACME does not work in a DaemonSet (lib/traefik/_props.ts says why). */ -}}
{{- define "cdk8s-edge-ingress.noAcme" -}}
{{- $key := index . 0 -}}
{{- range $i, $arg := index . 1 -}}
{{- if regexMatch "(?i)\\.acme\\." $arg -}}
{{- fail (printf "%s[%d] %q: Traefik's own ACME does not work in a DaemonSet (every node would request the same certificates); use cert-manager" $key $i $arg) -}}
{{- end -}}
{{- end -}}
{{- end -}}
