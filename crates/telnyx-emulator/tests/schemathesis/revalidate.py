"""Re-validates every response in schemathesis NDJSON reports against openapi-account.json.

Stricter than schemathesis on formats (`date`, `date-time`) and on error bodies; validates each
detail record against the schema named by its `record_type` (the spec's `DetailRecord` oneOf has
no discriminator mapping and no `record_type` enums, so a plain oneOf is ambiguous).
Usage: python revalidate.py REPORT.ndjson... (needs jsonschema and rfc3339-validator).
"""
import json, os, sys, base64, collections, re, urllib.parse
from jsonschema import Draft202012Validator
from referencing import Registry, Resource
from referencing.jsonschema import DRAFT202012
raw=open(os.environ.get('SPEC', '/work/shared/spec/openapi-account.json')).read().replace('"#/components','"urn:spec#/components')
spec=json.loads(raw)
# Spec quirk: DetailRecord oneOf has no mapping and non-enum record_type; validate per record_type instead.
bytype={'message_detail_record':'MessageDetailRecord','verification_detail_record':'VerifyDetailRecord','media_storage':'MediaStorageDetailRecord','sim_card_usage':'SimCardUsageDetailRecord','amd_detail_record':'AmdDetailRecord','conference_detail_record':'ConferenceDetailRecord','conference_participant_detail_record':'ConferenceParticipantDetailRecord'}
spec['components']['schemas']['DetailRecord']={'type':'object','required':['record_type'],'allOf':[
  {'if':{'properties':{'record_type':{'const':rt}}},'then':{'$ref':'urn:spec#/components/schemas/'+sn}} for rt,sn in bytype.items()]}
reg=Registry().with_resource('urn:spec', Resource.from_contents(spec, default_specification=DRAFT202012))
FC=Draft202012Validator.FORMAT_CHECKER
err_schema={'$ref':'urn:spec#/components/schemas/ErrorResponse'} if 'ErrorResponse' in spec['components']['schemas'] else None
paths=spec['paths']
def op_for(path):
    if path in paths: return path
    p=path[len('/v2'):] if path.startswith('/v2') else path
    if p in paths: return p
    for t in paths:
        rx='^'+re.sub(r'\{[^}]+\}','[^/]+',t)+'$'
        if re.match(rx,p): return t
    return None
stats=collections.Counter(); bad=collections.Counter(); examples={}
for f in sys.argv[1:]:
  for line in open(f):
    ev=json.loads(line)
    if 'ScenarioFinished' not in ev: continue
    for cid,it in (ev['ScenarioFinished'].get('recorder') or {}).get('interactions',{}).items():
        rq=it['request']; rs=it.get('response')
        if not rs: continue
        u=urllib.parse.urlsplit(rq['uri']); op=op_for(u.path); m=rq['method'].lower()
        st=rs['status_code']; body=base64.b64decode(rs['content']['$base64']) if rs.get('content') else b''
        ct=(rs['headers'].get('content-type') or [''])[0]
        stats[(st//100)]+=1
        if st>=500: bad['5xx']+=1; examples.setdefault('5xx',rq['uri'])
        if 'json' in ct:
            try: d=json.loads(body)
            except Exception: bad['invalid json']+=1; examples.setdefault('invalid json', rq['uri']); continue
        else:
            if not (ct.startswith('text/csv') and 'charges_breakdown' in u.path) and not (st==405 or st==404 and not body): bad['non-json '+ct]+=1; examples.setdefault('non-json '+ct, rq['uri'])
            continue
        if st>=400:
            if err_schema:
                e=list(Draft202012Validator(err_schema,registry=reg,format_checker=FC).iter_errors(d))
                if e or not isinstance(d.get('errors'),list) or not all(isinstance(x.get('code'),str) and x.get('title') for x in d['errors']): bad['error body']+=1; examples.setdefault('error body',(rq['uri'],body[:200]))
            continue
        if not op or m not in paths[op]: bad['2xx on unknown op']+=1; continue
        r=paths[op][m]['responses'].get(str(st))
        if not r: bad[f'undocumented {st} {m} {op}']+=1; continue
        s=r.get('content',{}).get('application/json',{}).get('schema')
        if s is None: continue
        errs=list(Draft202012Validator(s,registry=reg,format_checker=FC).iter_errors(d))
        if errs:
            k=f'schema {m} {op}: {errs[0].message[:120]} at {list(errs[0].absolute_path)}'
            bad[k]+=1; examples.setdefault(k,rq['uri'])
print('responses by class', dict(stats))
for k,v in bad.items(): print(v, k, '\n     e.g.', examples.get(k))
print('TOTAL BAD', sum(bad.values()))
sys.exit(1 if bad else 0)
