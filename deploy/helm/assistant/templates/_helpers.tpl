{{/* Common names and labels. */}}
{{- define "assistant.fullname" -}}
{{- printf "%s-%s" .Release.Name .Chart.Name | trunc 63 | trimSuffix "-" -}}
{{- end -}}

{{- define "assistant.labels" -}}
app.kubernetes.io/part-of: assistant
app.kubernetes.io/instance: {{ .Release.Name }}
app.kubernetes.io/version: {{ .Chart.AppVersion | quote }}
helm.sh/chart: {{ printf "%s-%s" .Chart.Name .Chart.Version }}
{{- end -}}

{{/* Consumer group of a worker, as WorkerSettings computes it: <stage>.worker.group.id, else
     worker.group.id, else topics.prefix + <stage>-worker. */}}
{{- define "assistant.consumerGroup" -}}
{{- $c := .root.Values.config -}}
{{- $prefix := index $c "topics.prefix" | default "" -}}
{{- $default := index $c "worker.group.id" | default (printf "%s%s-worker" $prefix .stage) -}}
{{- index $c (printf "%s.worker.group.id" .stage) | default $default -}}
{{- end -}}

{{/* A topic's name, as Topics computes it: topics.<name>.name, else topics.prefix + <name>. */}}
{{- define "assistant.topic" -}}
{{- $c := .root.Values.config -}}
{{- $prefix := index $c "topics.prefix" | default "" -}}
{{- index $c (printf "topics.%s.name" .topic) | default (printf "%s%s" $prefix .topic) -}}
{{- end -}}

{{/* Partitions per topic (Topics' default is 12). */}}
{{- define "assistant.partitions" -}}
{{- index .Values.config "topics.partitions" | default "12" | int -}}
{{- end -}}

{{/* Non-root, nothing writable but the mounted volumes, no privilege escalation. */}}
{{- define "assistant.podSecurityContext" -}}
runAsNonRoot: true
runAsUser: {{ .Values.securityContext.runAsUser }}
runAsGroup: {{ .Values.securityContext.runAsGroup }}
fsGroup: {{ .Values.securityContext.runAsGroup }}
seccompProfile:
  type: RuntimeDefault
{{- end -}}

{{- define "assistant.containerSecurityContext" -}}
allowPrivilegeEscalation: false
readOnlyRootFilesystem: true
capabilities:
  drop: [ALL]
{{- end -}}

{{/* Environment shared by every container: config file location and Kafka secrets. */}}
{{- define "assistant.env" -}}
- name: ASSISTANT_CONFIG
  value: /etc/assistant/config/assistant.properties
{{- include "assistant.secretEnv" . }}
{{- end -}}

{{/* Kafka secrets as ASSISTANT_* variables (the services map them to kafka.sasl.jaas.config ...). */}}
{{- define "assistant.secretEnv" -}}
{{- if .Values.kafka.saslJaasSecret }}
- name: ASSISTANT_KAFKA_SASL_JAAS_CONFIG
  valueFrom:
    secretKeyRef:
      name: {{ .Values.kafka.saslJaasSecret }}
      key: {{ .Values.kafka.saslJaasKey }}
{{- end }}
{{- with .Values.kafka.tls }}
{{- if and .secret .truststorePasswordKey }}
- name: ASSISTANT_KAFKA_SSL_TRUSTSTORE_PASSWORD
  valueFrom:
    secretKeyRef:
      name: {{ .secret }}
      key: {{ .truststorePasswordKey }}
{{- end }}
{{- if and .secret .keystore .keystorePasswordKey }}
- name: ASSISTANT_KAFKA_SSL_KEYSTORE_PASSWORD
  valueFrom:
    secretKeyRef:
      name: {{ .secret }}
      key: {{ .keystorePasswordKey }}
{{- end }}
{{- end }}
{{- end -}}

{{/* Kafka client settings as properties lines (ConfigMap) */}}
{{- define "assistant.kafkaProperties" -}}
kafka.bootstrap.servers={{ .Values.kafka.bootstrapServers }}
kafka.security.protocol={{ .Values.kafka.securityProtocol }}
{{- if .Values.kafka.saslMechanism }}
kafka.sasl.mechanism={{ .Values.kafka.saslMechanism }}
{{- end }}
{{- with .Values.kafka.tls }}
{{- if .secret }}
kafka.ssl.truststore.location=/etc/assistant/tls/{{ .truststore }}
kafka.ssl.truststore.type={{ .truststoreType }}
{{- if .keystore }}
kafka.ssl.keystore.location=/etc/assistant/tls/{{ .keystore }}
kafka.ssl.keystore.type={{ .keystoreType }}
{{- end }}
{{- end }}
{{- end }}
{{- end -}}

{{- define "assistant.volumeMounts" -}}
- name: config
  mountPath: /etc/assistant/config
  readOnly: true
- name: tmp
  mountPath: /tmp
{{- if .Values.kafka.tls.secret }}
- name: tls
  mountPath: /etc/assistant/tls
  readOnly: true
{{- end }}
{{- if .Values.models.existingClaim }}
- name: models
  mountPath: {{ .Values.models.mountPath }}
  readOnly: true
{{- end }}
{{- end -}}

{{- define "assistant.volumes" -}}
- name: config
  configMap:
    name: {{ include "assistant.fullname" . }}-config
- name: tmp
  emptyDir:
    sizeLimit: {{ .Values.tmpSizeLimit }}
{{- if .Values.kafka.tls.secret }}
- name: tls
  secret:
    secretName: {{ .Values.kafka.tls.secret }}
{{- end }}
{{- if .Values.models.existingClaim }}
- name: models
  persistentVolumeClaim:
    claimName: {{ .Values.models.existingClaim }}
    readOnly: true
{{- end }}
{{- end -}}
